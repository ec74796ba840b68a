"""Password reset and change under /accounts/: Django's views and forms with
the project's templates; the writes audited without the password."""

import re

import pytest
from django.core import mail

from installer_ops.models import AuditEntry, LoginSession
from installer_ops.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OLD = "pw-for-tests"
NEW = "another-long-passphrase-77"  # noqa: S105
LINK = re.compile(r"https?://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)")


def test_the_login_page_links_to_the_reset(client):
    page = client.get("/accounts/login/")
    assert 'href="/accounts/password_reset/"' in page.content.decode()
    assert "Forgot your password?" in page.content.decode()


def test_a_known_and_an_unknown_address_answer_alike_and_only_the_known_gets_mail(client):
    user = UserFactory(role=Role.LEAD, email="lea@example.com")
    form = client.get("/accounts/password_reset/")
    assert form.status_code == 200
    assert "Forgot your password?" in form.content.decode()
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.com"}, follow=True)
    assert mail.outbox == []
    known = client.post("/accounts/password_reset/", {"email": "LEA@example.com"}, follow=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lea@example.com"]
    assert unknown.redirect_chain == known.redirect_chain == [("/accounts/password_reset/done/", 302)]
    assert unknown.content == known.content
    assert "Check your email" in known.content.decode()
    assert "72 hours" in mail.outbox[0].body
    assert user.username in mail.outbox[0].body


def test_bad_input_is_a_field_error_not_a_500(client):
    for value in ("not-an-email", "", "a@" + "x" * 300 + ".com", "nul\x00@example.com"):
        answer = client.post("/accounts/password_reset/", {"email": value})
        assert answer.status_code == 200, value
        assert 'class="error"' in answer.content.decode(), value
    assert mail.outbox == []
    assert client.get("/accounts/reset/%00/x/").status_code in (200, 404)
    assert "This link no longer works" in client.get("/accounts/reset/Zm9v/1-2/").content.decode()


def test_no_reset_mail_for_an_inactive_login_or_one_without_a_password(client):
    UserFactory(email="gone@example.com", is_active=False)
    never = UserFactory(email="never@example.com")
    never.set_unusable_password()
    never.save()
    client.post("/accounts/password_reset/", {"email": "gone@example.com"})
    client.post("/accounts/password_reset/", {"email": "never@example.com"})
    assert mail.outbox == []


def test_the_reset_link_sets_a_new_password_once(client):
    user = UserFactory(role=Role.INSTALLER, email="nia@example.com")
    client.post("/accounts/password_reset/", {"email": "nia@example.com"})
    path = LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(path)["Location"]
    page = client.get(form_url)
    assert "Set a new password" in page.content.decode()
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert done.redirect_chain[-1][0] == "/accounts/reset/done/"
    assert "Password set" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEntry.objects.get(action="reset password").changes == {"password": "(changed)"}
    assert "This link no longer works" in client.get(path).content.decode()
    assert client.post("/accounts/login/", {"username": user.username, "password": NEW}).status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(client):
    from django.test import Client

    user = UserFactory(role=Role.LEAD)
    other = Client()
    for browser in (client, other):
        assert browser.post("/accounts/login/", {"username": user.username, "password": OLD}).status_code == 302
    assert client.get("/accounts/password_change/").status_code == 200
    wrong = client.post(
        "/accounts/password_change/", {"old_password": "nope", "new_password1": NEW, "new_password2": NEW}
    )
    assert wrong.status_code == 200
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    changed = client.post(
        "/accounts/password_change/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert changed.redirect_chain[-1][0] == "/accounts/password_change/done/"
    assert "Password changed" in changed.content.decode()
    assert client.get("/accounts/").status_code == 200  # still signed in here
    assert other.get("/accounts/")["Location"].startswith("/accounts/login/")  # signed out there
    # The session's new key is the one recorded for the separation to end.
    assert LoginSession.objects.filter(user=user, session_key=client.session.session_key).exists()
    entry = AuditEntry.objects.get(action="change password")
    assert entry.actor == user and entry.changes == {"password": "(changed)"}


def test_password_change_needs_a_login(client):
    assert client.get("/accounts/password_change/")["Location"].startswith("/accounts/login/")
