"""Which sessions a login holds, so that a separation can end them at once.

Django's database session engine keeps the user's id only inside each
session's encoded data: there is no index from a user to their sessions, and
finding them would mean decoding every session in the table. Instead each
log-in records its session key (`LoginSession`), and ending a person's access
deletes exactly those sessions through the session store (whatever engine is
configured) together with their API token."""

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import LoginSession, User


def login_session_remember(request, user: User) -> None:
    """Record the request's session as one of `user`'s; forget the records
    of their sessions the store no longer holds, so the table stays small.
    Age alone would not do: a session saved again lives on past its
    creation plus SESSION_COOKIE_AGE, and losing its record would let it
    outlive a separation."""
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return
    oldest = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    stale = [
        key
        for key in LoginSession.objects.filter(user=user, created_at__lt=oldest).values_list("session_key", flat=True)
        if not store.exists(key)
    ]
    LoginSession.objects.filter(user=user, session_key__in=stale).delete()
    LoginSession.objects.update_or_create(session_key=session.session_key, defaults={"user": user})


@receiver(user_logged_in, dispatch_uid="installer_ops.login_session_record")
def login_session_record(sender, request, user, **kwargs) -> None:
    login_session_remember(request, user)


@receiver(user_logged_out, dispatch_uid="installer_ops.login_session_forget")
def login_session_forget(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if user is not None and session is not None and session.session_key:
        LoginSession.objects.filter(user=user, session_key=session.session_key).delete()


def login_access_end(user: User) -> dict:
    """Delete every recorded session of `user` from the session store and
    revoke their API token, inside the caller's transaction. Deactivating the
    login already refuses both (Django's backend and DRF's token check read
    `is_active`); deleting them as well means that reactivating the login by
    mistake revives nothing. Returns the counts that are not zero, for the audit entry."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store.delete(key)
    LoginSession.objects.filter(user=user).delete()
    tokens, _ = Token.objects.filter(user=user).delete()
    ended = {"sessions_ended": len(keys), "api_keys_revoked": tokens}
    return {what: count for what, count in ended.items() if count}
