"""Fixtures shared by every app's tests (loaded with `-p registry.tests.plugin`)."""

import shutil

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


@pytest.fixture(autouse=True)
def _clean_cache_and_media():
    """Rate-limit counters and lockouts live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def totp_token():
    """The current code for a TOTP device, as an authenticator app would show it."""
    from django_otp.oath import TOTP

    def make(device) -> str:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    return make


@pytest.fixture
def still_clock():
    """The clock stands still, so a rate limit's fixed minute window cannot roll over halfway through a test."""
    with time_machine.travel(timezone.now(), tick=False):
        yield
