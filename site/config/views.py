import time

from django.db import connection
from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from huey.contrib.djhuey import HUEY


def _probe(check) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # a health probe reports every failure instead of raising it
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _queue() -> None:
    HUEY.storage.queue_size()


@never_cache
def healthz(request):
    checks = {"database": _probe(_database), "queue": _probe(_queue)}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def not_found(request, *args, **kwargs):
    raise Http404("Nothing here.")
