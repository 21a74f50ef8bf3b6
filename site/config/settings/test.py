"""Test runs: fast hashing, Huey in immediate mode, mail to Django's outbox.

DATABASE_URL and REDIS_URL still apply, so the same suite runs on SQLite and
on a real PostgreSQL and Redis.
"""

import os

from .base import *  # noqa: F403
from .base import HUEY, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / f"test-media-{os.getpid()}"  # noqa: F405
PRIVATE_MEDIA_ROOT = VAR_DIR / f"test-private-{os.getpid()}"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "certificates": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if REDIS_URL:
    # Tests clear the cache before each test, and Redis clears a whole database at once: each xdist worker
    # (gw0, gw1, ...) takes the database numbered below the configured one by its index, so parallel workers
    # never wipe each other's rate-limit counters mid-test.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if _worker.startswith("gw"):
        _base, _, _number = REDIS_URL.rpartition("/")
        if _number.isdigit():
            CACHES["default"]["LOCATION"] = f"{_base}/{max(int(_number) - int(_worker[2:]), 0)}"  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"convene-test-{_worker}"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: race tests need SQLite's real locking (busy timeout, WAL). One per
    # process, so test runs side by side (and their xdist workers) never share a file.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{worker}-{os.getpid()}.sqlite3")}  # noqa: F405
