"""Fixtures shared by every app's tests (loaded with `-p registry.tests.plugin`), real headless Chromium included."""

import os
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
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def private_cache(settings):
    """An empty local-memory cache of the test's own, for counters a test drives to their limit: parallel workers'
    clean-ups flush the shared Redis, and Redis expires keys by the real clock, never a travelling one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "private"}}
    cache.clear()


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


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium_args() -> list[str]:
    """Extra Chromium switches; a test module overrides this (a fake camera, say)."""
    return []


@pytest.fixture
def browser_page(chromium_args):
    """A Playwright page in Debian's Chromium (never a downloaded browser).

    Playwright's sync API runs an event loop in this thread, which trips Django's async-unsafe guard for the
    ORM calls tests make around it; the guard is lifted for the test only.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS + chromium_args
            )
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
            context.close()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
