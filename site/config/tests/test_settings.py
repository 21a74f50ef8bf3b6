"""Settings load from a bare environment and switch backends from URLs."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    "'huey': s.HUEY['huey_class'], 'cache': s.CACHES['default']['BACKEND'], 'email': s.EMAIL_BACKEND,"
    "'debug': s.DEBUG, 'access_cache_seconds': s.ACCESS_CACHE_SECONDS}))"
)


def load(settings_module: str, **env) -> dict:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'site'}")
    result = subprocess.run([sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_embedded_defaults(tmp_path):
    loaded = load("config.settings.dev", CONVENE_VAR_DIR=str(tmp_path))

    assert loaded["db"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(tmp_path / "convene.sqlite3")
    assert loaded["huey"] == "huey.SqliteHuey"
    assert loaded["cache"].endswith("LocMemCache")
    assert loaded["access_cache_seconds"] == 0, "a per-process cache would not hear of other processes' changes"
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["debug"] is True


def test_urls_switch_to_postgresql_redis_and_smtp(tmp_path):
    loaded = load(
        "config.settings.production",
        CONVENE_VAR_DIR=str(tmp_path),
        SECRET_KEY="x" * 64,
        DATABASE_URL="postgres://convene:pw@db.internal:5432/convene",
        REDIS_URL="redis://cache.internal:6379/0",
        EMAIL_URL="smtp://mailer:pw@smtp.internal:587/?tls=True",
    )

    assert loaded["db"] == "django.db.backends.postgresql"
    assert loaded["name"] == "convene"
    assert loaded["huey"] == "huey.PriorityRedisHuey"
    assert loaded["cache"] == "config.cache.RedisCache"
    assert loaded["access_cache_seconds"] == 60
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["debug"] is False


def test_production_settings_pass_deploy_checks(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-very-long-production-secret-key-0123456789-abcdefghijklmnop",
        ALLOWED_HOSTS="convene.example.org",
        CONVENE_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
