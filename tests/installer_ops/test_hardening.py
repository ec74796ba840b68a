"""Login lockout, CSRF on session writes, the Content Security Policy and sessions."""

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "right-horse-battery"  # noqa: S105 - a test account's


def attempt(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_sixth_wrong_password_in_a_row_locks_the_login_and_says_so():
    user = UserFactory(username="casey", password=PASSWORD)
    client = Client()
    for n in range(1, 6):
        response = attempt(client, "casey", f"wrong-{n}")
        assert response.status_code == 200, n  # the form again, with its error
        assert "did not match" in response.content.decode()
    sixth = attempt(client, "casey", "wrong-6")
    assert sixth.status_code == 429
    assert (
        "Login locked" in sixth.content.decode() and "Too many wrong passwords in a row (6)" in sixth.content.decode()
    )
    # Locked means locked: the right password does not get in either.
    assert attempt(client, "casey", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # Someone else is not locked out with them.
    UserFactory(username="dana", password=PASSWORD)
    assert attempt(Client(), "dana", PASSWORD).status_code == 302
    assert user.pk


def test_five_wrong_passwords_then_the_right_one_resets_the_count():
    UserFactory(username="erin", password=PASSWORD)
    client = Client()
    for n in range(5):
        attempt(client, "erin", f"wrong-{n}")
    assert attempt(client, "erin", PASSWORD).status_code == 302
    client.logout()
    for n in range(5):
        assert attempt(client, "erin", f"again-{n}").status_code == 200


def test_the_token_endpoint_counts_towards_the_lockout():
    UserFactory(username="frank", password=PASSWORD)
    client = Client()
    for n in range(6):
        client.post("/api/v1/auth/token/", {"username": "frank", "password": f"wrong-{n}"})
    response = client.post("/api/v1/auth/token/", {"username": "frank", "password": PASSWORD})
    assert response.status_code == 429 and "token" not in response.json()
    assert "locked" in response.json()["detail"]


def test_session_writes_need_the_csrf_token():
    lead = UserFactory(role="lead", password=PASSWORD)
    client = Client(enforce_csrf_checks=True)
    # The login form itself is protected.
    assert attempt(client, lead.username, PASSWORD).status_code == 403
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    assert (
        client.post(
            "/accounts/login/", {"username": lead.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).status_code
        == 302
    )
    # An API write on the session without the header is refused; with it, it reaches the view.
    body = {"device_id": "t1", "events": []}
    refused = client.post("/api/v1/sync/", body, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.content.decode()
    token = client.cookies["csrftoken"].value
    allowed = client.post("/api/v1/sync/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert allowed.status_code != 403


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    client.force_login(UserFactory(role="executive"))
    for url in ("/accounts/login/", "/dashboard/", "/app/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_sessions_time_out_and_their_cookie_is_http_only():
    user = UserFactory(password=PASSWORD)
    response = attempt(Client(), user.username, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 10 * 3600


def test_the_token_endpoint_is_throttled(monkeypatch, fresh_throttle_counts):
    from rest_framework.throttling import ScopedRateThrottle

    # The test settings raise the rate for the suite; here it is low enough to reach.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    UserFactory(username="gail", password=PASSWORD)
    client = Client()
    answers = [
        client.post("/api/v1/auth/token/", {"username": "gail", "password": PASSWORD}).status_code for _ in range(4)
    ]
    assert answers == [200, 200, 200, 429]
