"""Invitations: the set-password link a new hire receives by mail, and what a
lead sees of it. The link is a token of Django's password-reset kind with a
salt of its own (a reset token does not open an invitation nor the other way
round), valid settings.PASSWORD_RESET_TIMEOUT like a reset link. It stops
working once used (the password hash is part of it), when a newer invitation
is sent (the sending time is part of it), or when the login is deactivated."""

import dataclasses
import datetime
import logging
import smtplib

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import policies
from .models import Installer, User
from .user_language import mail_language_of

logger = logging.getLogger(__name__)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "installer_ops.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        # To the microsecond: a resend within the same second still replaces the link.
        sent = user.invited_at.astimezone(datetime.UTC).isoformat() if user.invited_at else ""
        return f"{super()._make_hash_value(user, timestamp)}{sent}"

    def check_token(self, user, token):
        return bool(user and user.is_active) and super().check_token(user, token)


invitation_token_generator = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitation-accept", kwargs={"uidb64": uid, "token": invitation_token_generator.make_token(user)})


def invitation_mail_send(user_id: int) -> bool:
    """Mail the invitation and record when it went out; False when the mail
    server refused it (logged, and the lead's page still says "not invited",
    so they can send it again)."""
    user = User.objects.get(pk=user_id)
    if not (user.email and user.is_active):
        return False
    user.invited_at = timezone.now()
    context = {
        "user": user,
        "link": settings.SITE_URL + invitation_path(user),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    with translation.override(mail_language_of(user)):
        subject = "".join(render_to_string("registration/invitation_mail_subject.txt", context).splitlines())
        body = render_to_string("registration/invitation_mail.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("the invitation of user %s could not be sent", user.pk)
        return False
    User.objects.filter(pk=user.pk).update(invited_at=user.invited_at)
    return True


def invitation_mail_after_commit(user: User) -> None:
    """Send the invitation once the caller's transaction has committed: no
    mail for a hire that rolled back, and a mail failure cannot undo the hire."""
    transaction.on_commit(lambda: invitation_mail_send(user.pk), robust=True)


@dataclasses.dataclass(frozen=True)
class InvitationState:
    state: str  # "none", "pending", "expired" or "accepted"
    invited_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    can_send: bool


def invitation_state(viewer: User, installer: Installer) -> InvitationState:
    """Where the installer's invitation stands, and whether `viewer` may (re)send it."""
    user = installer.user
    accepted = user.last_login is not None or user.has_usable_password()
    valid_for = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    expires_at = user.invited_at + valid_for if user.invited_at else None
    if accepted:
        state = "accepted"
    elif user.invited_at is None:
        state = "none"
    elif expires_at <= timezone.now():
        state = "expired"
    else:
        state = "pending"
    can_send = (
        not accepted
        and bool(user.email)
        and user.is_active
        and not installer.has_left
        and policies.can_change_installer(viewer, installer)
    )
    return InvitationState(state=state, invited_at=user.invited_at, expires_at=expires_at, can_send=can_send)
