"""A pytest plugin loaded before Django (pyproject: ``-p config.testing``).

The suite runs in the embedded dev mode, which makes up its own keys in DATA_DIR,
with tasks run inline; tests about production settings, workers or Redis set their
own environment.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("TASK_BACKEND", "immediate")
