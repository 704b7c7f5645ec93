"""Settings for the test suite: the production settings served over plain HTTP."""

import tempfile
from pathlib import Path

from guildhall.settings import *  # noqa: F403
from guildhall.settings import DATABASES, STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Argon2 is deliberately slow; the suite checks behaviour, not hashing cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "immediate": True}  # noqa: F405
# The queue runs at once here: the demo's submitted reports leave their PDF pending rather than
# start LibreOffice for every test that seeds them (the reports' own tests convert theirs).
REPORTS_DEMO_PDF = False
# The suite's threads (live servers) close their connections; the production-path tests
# start real servers with the production settings, persistent connections included.
DATABASES["default"]["CONN_MAX_AGE"] = 0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploads made by the suite go to a throw-away folder, not var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="guildhall-test-media-"))
# The suite's personas sign in without a second factor; the second factor's own tests
# turn it on (accounts/tests/test_second_factor.py).
SECOND_FACTOR = "off"
