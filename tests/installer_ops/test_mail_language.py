"""Every mail is written in its recipient's language (User.language), and in
English when the account names none or one the product does not offer:
the invitation, the password reset (whatever the asker's browser says) and
the overdue-module reminders, whose lines are recorded per recipient."""

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail

from bootcamp.reminders import overdue_reminders_send
from installer_ops.invitations import invitation_mail_send
from installer_ops.roles import Role
from installer_ops.user_language import mail_language_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THURSDAY = datetime.date(2026, 11, 5)  # module 1 of the bootcamp fixture's cohort is overdue


def test_the_mail_language_is_the_accounts_offered_choice_else_english():
    assert "de" in dict(settings.LANGUAGES)
    assert mail_language_of(SimpleNamespace(language="de")) == "de"
    assert mail_language_of(SimpleNamespace(language="")) == settings.LANGUAGE_CODE == "en"
    assert mail_language_of(SimpleNamespace(language="xx")) == "en"  # not offered (any more)
    assert mail_language_of(None) == "en"


def test_an_invitation_is_written_in_the_invitees_language():
    german, unset = UserFactory(language="de"), UserFactory(language="")
    assert invitation_mail_send(german.pk) and invitation_mail_send(unset.pk)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient[german.email].subject == "Ihre Anmeldung bei Installer Ops: Legen Sie Ihr Passwort fest"
    assert "Ihr Anmeldename" in by_recipient[german.email].body
    assert by_recipient[unset.email].subject == "Your Installer Ops login: set your password"


def test_a_password_reset_is_written_in_the_accounts_language_not_the_askers(client):
    german = UserFactory(role=Role.LEAD, email="lea@example.com", language="de")
    UserFactory(role=Role.LEAD, email="ben@example.com", language="")
    client.post("/accounts/password_reset/", {"email": "lea@example.com"}, HTTP_ACCEPT_LANGUAGE="en")
    client.post("/accounts/password_reset/", {"email": "ben@example.com"}, HTTP_ACCEPT_LANGUAGE="de")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient["lea@example.com"].subject == "Installer Ops: neues Passwort festlegen"
    assert f"Ihr Anmeldename: {german.username}" in by_recipient["lea@example.com"].body
    assert by_recipient["ben@example.com"].subject == "Installer Ops: set a new password"
    assert "Someone asked to set a new password" in by_recipient["ben@example.com"].body


def test_overdue_reminders_are_written_in_each_recipients_language(bootcamp):
    b = bootcamp
    b.lead_a.language = "de"
    b.lead_a.save(update_fields=["language"])
    overdue_reminders_send(today=THURSDAY)
    lead = next(message for message in mail.outbox if message.to == [b.lead_a.email])
    installer = next(message for message in mail.outbox if message.to == [b.installer.user.email])
    assert lead.subject == "Installer Ops: überfällige Bootcamp-Module"
    assert lead.body.startswith("Diese Bootcamp-Module sind überfällig:")
    assert f"{b.installer.name}: „" in lead.body and " fällig (" in lead.body and "was due" not in lead.body
    assert installer.subject == "Installer Ops: overdue bootcamp modules"
    assert "was due on 4 Nov 2026" in installer.body and "fällig" not in installer.body
