"""Every answer under /api/ is JSON, errors included, whatever raises them."""

import json

import pytest
from rest_framework.authtoken.models import Token

from installer_ops import apis

pytestmark = pytest.mark.django_db


def assert_json(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    assert "detail" in json.loads(response.content)


def test_an_unknown_api_url_is_a_json_404(client, org):
    assert_json(client.get("/api/v1/no-such-thing/"), 404)
    client.force_login(org.lead_a)
    assert_json(client.get("/api/v1/no-such-thing/"), 404)
    # Pages keep their HTML error page.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_a_body_over_the_limit_is_a_json_413(client, org, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    token = Token.objects.create(user=org.installer_a1.user)
    body = json.dumps({"device_id": "t", "events": [{"id": "x" * 100}] * 50})
    response = client.post(
        "/api/v1/sync/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert_json(response, 413)


def test_an_unexpected_error_is_a_json_500(client, org, monkeypatch):
    def broken(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(apis.MeView, "get", broken)
    client.raise_request_exception = False
    client.force_login(org.lead_a)
    assert_json(client.get("/api/v1/me/"), 500)
