import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# the test itself (setting up data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
