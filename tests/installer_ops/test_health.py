import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client, settings):
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["broker"]["mode"] == ("redis" if settings.REDIS_URL else "eager")


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "mode": "redis", "error": "ConnectionError"}


def test_the_favicon_the_browser_asks_for_is_the_apps_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("installer_ops/app/icon-192.png")
    assert client.get(response["Location"]).status_code == 200
