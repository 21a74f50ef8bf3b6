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
    # Each xdist worker gets its own key space so parallel runs do not share rate-limit counters.
    CACHES["default"]["KEY_PREFIX"] = f"convene-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: race tests need SQLite's real locking (busy timeout, WAL). One per
    # process, so test runs side by side (and their xdist workers) never share a file.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{worker}-{os.getpid()}.sqlite3")}  # noqa: F405
