"""The account page: who you are, your language, your API token."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from rest_framework.authtoken.models import Token

from installer_ops.models import AuditEntry
from installer_ops.roles import Role
from installer_ops.services import accounts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LANGUAGES = [("en", "English"), ("de", "Deutsch")]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_its_account_and_a_header_link(client, role):
    user = UserFactory(role=role, name="Ana Example", email="ana@example.com")
    client.force_login(user)
    page = client.get("/accounts/")
    body = page.content.decode().replace("<wbr>", "")  # the address may wrap after its "@"
    assert page.status_code == 200
    for text in ("Ana Example", "ana@example.com", str(role.label), 'href="/accounts/password_change/"'):
        assert text in body
    assert 'href="/accounts/" aria-current="page">Account</a>' in body
    assert "Log out" in body
    assert "You have no API token." in body


def test_the_account_page_needs_a_login(client):
    assert client.get("/accounts/")["Location"].startswith("/accounts/login/")


def test_a_token_is_shown_once_then_only_its_last_four(client):
    user = UserFactory(role=Role.LEAD)
    client.force_login(user)
    assert client.get("/accounts/token/").status_code == 405
    created = client.post("/accounts/token/")
    key = Token.objects.get(user=user).key
    assert created.status_code == 200
    assert key in created.content.decode()
    assert "it is not shown again" in created.content.decode()
    later = client.get("/accounts/").content.decode()
    assert key not in later
    assert f"…{key[-4:]}" in later
    twice = client.post("/accounts/token/", follow=True)
    assert "revoke it first" in twice.content.decode()
    assert Token.objects.filter(user=user).count() == 1
    entry = AuditEntry.objects.get(action="create api token")
    assert entry.changes == {"token": "(changed)"}
    assert key not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_revoking_asks_first_and_the_token_answers_401_at_once(client, api):
    user = UserFactory(role=Role.LEAD)
    token = Token.objects.create(user=user)
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    client.force_login(user)
    confirm = client.get("/accounts/token/revoke/")
    assert "Revoke your API token?" in confirm.content.decode()
    assert token.key not in confirm.content.decode()
    assert Token.objects.filter(user=user).exists()  # a GET changes nothing
    revoked = client.post("/accounts/token/revoke/", follow=True)
    assert "API token revoked" in revoked.content.decode()
    assert not Token.objects.filter(user=user).exists()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401
    assert AuditEntry.objects.filter(action="revoke api token", actor=user).count() == 1
    assert client.get("/accounts/token/revoke/")["Location"] == "/accounts/"


@override_settings(LANGUAGES=LANGUAGES)
def test_the_language_is_saved_validated_and_used(client):
    user = UserFactory(role=Role.INSTALLER)
    client.force_login(user)
    page = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="de")
    assert page["Content-Language"] == "de"  # the browser's, while none is chosen
    assert 'value="de"' in page.content.decode()
    bad = client.post("/accounts/language/", {"language": "xx"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()
    assert client.post("/accounts/language/", {"language": "en"})["Location"] == "/accounts/"
    user.refresh_from_db()
    assert user.language == "en"
    chosen = client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="de")
    assert chosen["Content-Language"] == "en"
    assert '<html lang="en">' in chosen.content.decode()
    client.post("/accounts/language/", {"language": ""})
    user.refresh_from_db()
    assert user.language == ""
    assert client.get("/accounts/", HTTP_ACCEPT_LANGUAGE="de")["Content-Language"] == "de"
    assert [e.changes for e in AuditEntry.objects.filter(action="set language").order_by("id")] == [
        {"language": ["", "en"]},
        {"language": ["en", ""]},
    ]


def test_the_services_refuse_others_and_unknown_languages():
    user, other = UserFactory(), UserFactory(role=Role.LEAD)
    with pytest.raises(ValidationError):
        accounts.account_language_set(actor=user, user=user, language="klingon")
    for call in (
        lambda: accounts.account_language_set(actor=other, user=user, language="en"),
        lambda: accounts.api_token_create(actor=other, user=user),
        lambda: accounts.api_token_revoke(actor=other, user=user),
        lambda: accounts.password_set(actor=other, user=user, password="x-long-enough-1"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert accounts.account_language_set(actor=user, user=user, language="") is False
