"""``python -m commonwatch.agent``: the same program as the ``commonwatch-agent`` script."""

import sys

from .cli import main

sys.exit(main())
