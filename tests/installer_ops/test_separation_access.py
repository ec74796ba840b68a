"""A separation ends access at once: the login is deactivated, its sessions
deleted and its API token revoked in the separation's transaction."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from installer_ops import services
from installer_ops.models import AuditEntry, LoginSession

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
PASSWORD = "pw-for-tests"  # noqa: S105


def signed_in(user) -> Client:
    browser = Client()
    assert browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return browser


def test_a_separated_installers_sessions_and_token_stop_at_once(org):
    user = org.installer_a1.user
    tablet, laptop = signed_in(user), signed_in(user)
    assert LoginSession.objects.filter(user=user).count() == 2
    token = Token.objects.create(user=user)
    api = APIClient()
    assert tablet.get("/me/").status_code == 200
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    untouched = signed_in(org.installer_a2.user)

    lead = signed_in(org.lead_a)
    answer = lead.post(
        f"/org/installers/{org.installer_a1.pk}/separate/", {"left_on": "2026-02-01", "voluntary": "true"}
    )
    assert answer.status_code == 302

    for browser in (tablet, laptop):
        assert browser.get("/me/")["Location"].startswith("/accounts/login/")
        assert browser.post("/api/v1/sync/", {}, content_type="application/json").status_code == 403
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    assert not Token.objects.filter(user=user).exists()
    assert not LoginSession.objects.filter(user=user).exists()
    assert Session.objects.filter(session_key__in=[tablet.session.session_key, laptop.session.session_key]).count() == 0
    assert untouched.get("/me/").status_code == 200  # nobody else is signed out
    user.refresh_from_db()
    assert not user.is_active
    entry = AuditEntry.objects.get(action="separate")
    assert entry.changes["sessions_ended"] == 2 and entry.changes["api_keys_revoked"] == 1
    assert token.key not in str(entry.changes)
    # The password still matches, yet the login is refused.
    assert Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 200


def test_a_refused_separation_ends_nothing(org):
    user = org.installer_a1.user
    tablet = signed_in(user)
    Token.objects.create(user=user)
    with pytest.raises(Exception, match="cannot precede the hire date"):
        services.installer_separate(
            actor=org.lead_a, installer=org.installer_a1, left_on=datetime.date(2000, 1, 2), voluntary=True
        )
    assert tablet.get("/me/").status_code == 200
    assert Token.objects.filter(user=user).exists()


def test_logging_out_forgets_the_session_record(org):
    user = org.installer_a1.user
    browser = signed_in(user)
    assert LoginSession.objects.filter(user=user).count() == 1
    browser.post("/accounts/logout/")
    assert not LoginSession.objects.filter(user=user).exists()
