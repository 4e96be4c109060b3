"""``python -m commonwatch.core.tests.slow_worker``: a burst task worker that also knows
the test's slow work (slow_work.py), for the tests that kill a worker half-way."""

from __future__ import annotations

import os

import django

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()  # before anything imports a model
    from django.core.management import call_command

    from commonwatch.core.tests import slow_work  # noqa: F401 - registers its handler

    call_command("task_worker", "--burst")
