"""Invitations: a hire with an email gets a set-password link after commit;
the link sets a password once, expires, is replaced by a resend; leads of
the pod (and admins) resend it; the person page shows where it stands."""

import datetime
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from installer_ops import services
from installer_ops.invitations import invitation_path, invitation_token_generator
from installer_ops.models import AuditEntry, Installer, User
from installer_ops.services import accounts

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-fresh-passphrase-42"  # noqa: S105
LINK = re.compile(r"https?://[^/\s]+(/accounts/invitation/[^/\s]+/[^/\s]+/)")


def hire(org, django_capture_on_commit_callbacks, email="ines@example.com", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return services.installer_hire(
            actor=org.lead_a,
            employee_id="FI-7001",
            name="Ines Duarte",
            pod=org.pod_a,
            hired_on=datetime.date(2026, 1, 5),
            email=email,
            **extra,
        )


def link_path(message) -> str:
    return LINK.search(message.body).group(1)


def test_a_hire_with_an_email_is_invited_after_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        installer = services.installer_hire(
            actor=org.lead_a,
            employee_id="FI-7001",
            name="Ines Duarte",
            pod=org.pod_a,
            hired_on=datetime.date(2026, 1, 5),
            email="ines@example.com",
        )
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ines@example.com"]
    assert "set your password" in message.subject
    assert "Your login name: fi-7001" in message.body
    assert "72 hours" in message.body
    installer.user.refresh_from_db()
    assert installer.user.invited_at is not None
    assert not installer.user.has_usable_password()


def test_no_invitation_without_an_email_or_with_a_password(org, django_capture_on_commit_callbacks):
    hire(org, django_capture_on_commit_callbacks, email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.installer_hire(
            actor=org.lead_a,
            employee_id="FI-7002",
            name="Has Password",
            pod=org.pod_a,
            hired_on=datetime.date(2026, 1, 5),
            email="pw@example.com",
            password="set-by-the-admin-123",
        )
    assert mail.outbox == []


def test_a_hire_that_rolls_back_sends_nothing(org, django_capture_on_commit_callbacks):
    from django.db import transaction

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.installer_hire(
            actor=org.lead_a,
            employee_id="FI-7001",
            name="Ines Duarte",
            pod=org.pod_a,
            hired_on=datetime.date(2026, 1, 5),
            email="ines@example.com",
        )
        raise RuntimeError("rolled back")
    assert mail.outbox == []
    assert not Installer.objects.filter(employee_id="FI-7001").exists()


def test_the_link_sets_a_password_once_and_the_person_signs_in(client, org, django_capture_on_commit_callbacks):
    installer = hire(org, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    opened = client.get(path)
    assert opened.status_code == 302  # the token moves into the session, off the address bar
    form_url = opened["Location"]
    assert "set-password" in form_url
    page = client.get(form_url)
    assert "Welcome: set your password" in page.content.decode()
    assert "fi-7001" in page.content.decode()
    mismatch = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-99"})
    assert mismatch.status_code == 200
    assert "didn’t match" in mismatch.content.decode()
    weak = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert "too short" in weak.content.decode()
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert done.redirect_chain[-1][0] == "/accounts/login/"
    assert "Your password is set" in done.content.decode()
    installer.user.refresh_from_db()
    assert installer.user.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="accept invitation")
    assert entry.changes == {"password": "(changed)"}
    assert NEW_PASSWORD not in str(AuditEntry.objects.values_list("changes", flat=True))
    # Used once: the same link now says it no longer works.
    again = client.get(path)
    assert again.status_code == 200
    assert "This invitation link no longer works" in again.content.decode()
    signed_in = client.post("/accounts/login/", {"username": "fi-7001", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"


def test_an_expired_link_says_so_and_what_to_do(client, org, django_capture_on_commit_callbacks):
    hire(org, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    later = timezone.now() + datetime.timedelta(hours=72, minutes=1)
    with override_settings(PASSWORD_RESET_TIMEOUT=72 * 3600):
        invitation_token_generator._now = lambda: later.replace(tzinfo=None)
        try:
            page = client.get(path)
        finally:
            del invitation_token_generator._now
    body = page.content.decode()
    assert page.status_code == 200
    assert "This invitation link no longer works" in body
    assert "Ask your lead to send your invitation again" in body
    assert "<form" not in body.split("<main", 1)[1]


def test_a_reset_token_does_not_open_an_invitation(client, org, django_capture_on_commit_callbacks):
    from django.contrib.auth.tokens import default_token_generator

    installer = hire(org, django_capture_on_commit_callbacks)
    uid = link_path(mail.outbox[0]).split("/")[3]
    reset_token = default_token_generator.make_token(installer.user)
    assert "no longer works" in client.get(f"/accounts/invitation/{uid}/{reset_token}/").content.decode()
    assert "no longer works" in client.get(f"/accounts/invitation/{uid}/nonsense-token/").content.decode()
    assert "no longer works" in client.get("/accounts/invitation/bm90LWFuLWlk/x-y/").content.decode()


def test_a_resend_replaces_the_old_link(client, org, django_capture_on_commit_callbacks):
    installer = hire(org, django_capture_on_commit_callbacks)
    first = link_path(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        accounts.invitation_send(actor=org.lead_a, installer=installer)
    assert len(mail.outbox) == 2
    assert "no longer works" in client.get(first).content.decode()
    assert client.get(link_path(mail.outbox[1])).status_code == 302
    entry = AuditEntry.objects.filter(action="invite").get()
    assert entry.actor == org.lead_a
    assert entry.changes == {"email": "ines@example.com"}


def test_resend_through_the_page_by_the_pods_lead_only(client, org, django_capture_on_commit_callbacks):
    installer = hire(org, django_capture_on_commit_callbacks)
    url = f"/org/installers/{installer.pk}/invitation/"
    client.force_login(org.lead_b)
    assert client.post(url).status_code == 404  # another pod's installer
    client.force_login(org.installer_a2.user)
    assert client.post(url).status_code == 403
    client.force_login(org.lead_a)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, follow=True)
    assert answer.redirect_chain[-1][0] == f"/org/installers/{installer.pk}/"
    assert "An invitation is on its way to ines@example.com" in answer.content.decode()
    assert len(mail.outbox) == 2


def test_resend_is_refused_when_it_makes_no_sense(org, django_capture_on_commit_callbacks):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        accounts.invitation_send(actor=org.lead_b, installer=org.installer_a1)
    # The factory's installers have passwords already.
    with pytest.raises(ValidationError, match="set a password already"):
        accounts.invitation_send(actor=org.lead_a, installer=org.installer_a1)
    no_email = hire(org, django_capture_on_commit_callbacks, email="")
    with pytest.raises(ValidationError, match="no email address"):
        accounts.invitation_send(actor=org.admin, installer=no_email)


def test_the_partial_shows_the_state_and_the_button(rf, org, django_capture_on_commit_callbacks):
    from django.template.loader import render_to_string

    installer = hire(org, django_capture_on_commit_callbacks)
    installer.user.refresh_from_db()

    def render(viewer):
        request = rf.get("/")
        request.user = viewer
        return render_to_string("installer_ops/_invitation.html", {"installer": installer}, request=request)

    pending = render(org.lead_a)
    assert "not yet accepted" in pending
    assert "Resend invitation" in pending
    assert 'name="csrfmiddlewaretoken"' in pending
    assert "Resend invitation" not in render(org.lead_b)  # not theirs to change
    User.objects.filter(pk=installer.user.pk).update(invited_at=timezone.now() - datetime.timedelta(hours=73))
    installer.user.refresh_from_db()
    assert "expired before it was accepted" in render(org.lead_a)
    installer.user.set_password(NEW_PASSWORD)
    installer.user.last_login = timezone.now()
    installer.user.save()
    accepted = render(org.admin)
    assert "accepted (has signed in)" in accepted
    assert "Resend" not in accepted


def test_the_link_of_a_separated_installer_is_dead(client, org, django_capture_on_commit_callbacks):
    installer = hire(org, django_capture_on_commit_callbacks)
    services.installer_separate(
        actor=org.lead_a, installer=installer, left_on=datetime.date(2026, 1, 6), voluntary=True
    )
    installer.user.refresh_from_db()
    assert "no longer works" in client.get(link_path(mail.outbox[0])).content.decode()
    assert invitation_path(installer.user)  # a fresh token for an inactive user is refused too
    assert "no longer works" in client.get(invitation_path(installer.user)).content.decode()
