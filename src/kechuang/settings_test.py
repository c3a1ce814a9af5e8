"""Settings for the test suite: fast hashing, plain static storage, jobs run inline."""

import os

os.environ.setdefault("KECHUANG_TESTING", "1")
os.environ.setdefault("KECHUANG_TASKS_IMMEDIATE", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from kechuang.settings import *  # noqa: E402,F403
