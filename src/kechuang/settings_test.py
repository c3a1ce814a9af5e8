"""Settings for the test suite: fast hashing, plain static storage, jobs run inline."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("KECHUANG_TESTING", "1")
os.environ.setdefault("KECHUANG_TASKS_IMMEDIATE", "1")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from kechuang.settings import *  # noqa: E402,F403

# job results and uploads of the test run go to a throw-away folder, not var/media
MEDIA_ROOT = tempfile.mkdtemp(prefix="kechuang-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="kechuang-test-private-")
atexit.register(shutil.rmtree, PRIVATE_MEDIA_ROOT, ignore_errors=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# no persistent connections: the live-server and worker threads must not keep the test
# database open when it is dropped
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Two-factor enforcement is off unless a test turns it on (accounts/tests/test_twofactor.py):
# the suite signs users in with force_login. A user with an enrolled device is still asked.
KECHUANG_REQUIRE_2FA = False
