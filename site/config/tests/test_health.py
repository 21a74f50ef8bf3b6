from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok_when_database_and_queue_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["queue"]["ok"]


def test_healthz_reports_a_broken_database_as_503(client):
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("server closed the connection")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_healthz_reports_a_broken_queue_as_503(client):
    with mock.patch("config.views.HUEY.storage.queue_size", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["queue"]["ok"] is False
