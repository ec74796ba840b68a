"""Accounts: invitations, passwords, a person's language and API token.

The checks of a password (the validators, the two fields agreeing, the old
password) are Django's forms'; these functions make the change, ask the
policy and write the audit entry, which records that a password or token
changed and never its value (installer_ops/audit.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .. import policies
from ..audit import audit_record, field_changes
from ..exceptions import DomainConflict
from ..invitations import invitation_mail_after_commit
from ..models import Installer, User


@transaction.atomic
def invitation_send(*, actor: User | None, installer: Installer) -> None:
    """Mail the installer a new set-password link (after commit); the links sent before stop working."""
    policies.require(policies.can_change_installer(actor, installer))
    user = User.objects.select_for_update().get(pk=installer.user_id)
    if installer.has_left or not user.is_active:
        raise ValidationError(_("%(name)s has left; their login is closed.") % {"name": installer.name})
    if not user.email:
        raise ValidationError(_("%(name)s has no email address to send an invitation to.") % {"name": installer.name})
    if user.last_login is not None or user.has_usable_password():
        raise ValidationError(
            _("%(name)s has set a password already; “Forgot your password?” on the login page sends a new one.")
            % {"name": installer.name}
        )
    audit_record(actor=actor, action="invite", target=user, changes={"email": user.email})
    invitation_mail_after_commit(user)


@transaction.atomic
def password_set(*, actor: User | None, user: User, password: str, action: str = "set password") -> User:
    """Store a new password (already checked by Django's SetPasswordForm or
    PasswordChangeForm). The sessions other than the caller's end, as
    Django's session hash changes with the password."""
    policies.require(policies.can_manage_account(actor, user))
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=action, target=user, changes={"password": password})
    return user


@transaction.atomic
def account_language_set(*, actor: User | None, user: User, language: str) -> bool:
    """The language the person reads the product in; blank: their browser's. True if it changed."""
    policies.require(policies.can_manage_account(actor, user))
    language = (language or "").strip()
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    changes = field_changes(user, language=language)
    if not changes:
        return False
    user.language = language
    user.save(update_fields=["language"])
    audit_record(actor=actor, action="set language", target=user, changes=changes)
    return True


@transaction.atomic
def api_token_create(*, actor: User | None, user: User) -> Token:
    """A new API token for the person (one each): the caller shows its key once."""
    policies.require(policies.can_manage_account(actor, user))
    User.objects.select_for_update().filter(pk=user.pk).get()
    if Token.objects.filter(user=user).exists():
        raise DomainConflict(_("You have an API token already; revoke it first to create a new one."), [])
    token = Token.objects.create(user=user)
    audit_record(actor=actor, action="create api token", target=user, changes={"token": token.key})
    return token


@transaction.atomic
def api_token_revoke(*, actor: User | None, user: User) -> bool:
    """Delete the person's API token; integrations using it get 401 at once. True if there was one."""
    policies.require(policies.can_revoke_api_token(actor, user))
    deleted, _by_model = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(actor=actor, action="revoke api token", target=user, changes={"token": None})
    return bool(deleted)
