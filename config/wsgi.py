"""WSGI entry point (gunicorn, uWSGI)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from config.startup import load_settings_or_exit, refuse_failed_checks_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
load_settings_or_exit()
application = get_wsgi_application()
refuse_failed_checks_or_exit()

# Everything loaded so far lives as long as the process: keep it out of the garbage
# collector's generations, which otherwise pause requests for tens of milliseconds.
gc.collect()
gc.freeze()
