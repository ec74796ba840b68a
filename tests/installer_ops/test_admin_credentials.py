"""The admin never shows a credential whole, and ends access as a
separation does: session keys and API keys by their last characters only,
tokens revoked through the account service (audited), a login switched off
losing its sessions and token at once."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token

from installer_ops.models import AuditEntry, LoginSession
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_session_keys_and_api_keys_are_never_listed_whole(admin_client, client):
    person = UserFactory(username="ada")
    token = Token.objects.create(user=person)
    session = SessionStore()
    session.create()
    LoginSession.objects.create(user=person, session_key=session.session_key)
    sessions = admin_client.get("/admin/installer_ops/loginsession/").content.decode()
    assert session.session_key not in sessions and session.session_key[-4:] in sessions
    tokens = admin_client.get("/admin/authtoken/tokenproxy/").content.decode()
    assert token.key not in tokens and token.key[-4:] in tokens


def test_tokens_are_not_added_in_the_admin_and_are_revoked_through_the_service_by_a_users_action(admin_client):
    person = UserFactory(username="ada")
    assert admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": person.pk}).status_code == 403
    assert not Token.objects.filter(user=person).exists()
    Token.objects.create(user=person)
    admin_client.post("/admin/installer_ops/user/", {"action": "revoke_api_tokens", "_selected_action": [person.pk]})
    assert not Token.objects.filter(user=person).exists()
    entry = AuditEntry.objects.filter(object_type="user", object_id=str(person.pk)).latest("at")
    assert "token" in entry.action


def test_switching_a_login_off_in_the_admin_ends_its_sessions_and_token(admin_client):
    person = UserFactory(username="ada", name="Ada", email="ada@example.com")
    Token.objects.create(user=person)
    session = SessionStore()
    session["_auth_user_id"] = str(person.pk)
    session.create()
    LoginSession.objects.create(user=person, session_key=session.session_key)
    form = admin_client.get(f"/admin/installer_ops/user/{person.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update({"is_active": "", "groups": [], "user_permissions": [], "date_joined_0": "2026-01-01"})
    data.update({"date_joined_1": "00:00:00", "language": ""})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("invited_at", None)
    response = admin_client.post(f"/admin/installer_ops/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert not person.is_active
    assert not Token.objects.filter(user=person).exists()
    assert not SessionStore().exists(session.session_key)
    assert not LoginSession.objects.filter(user=person).exists()
