"""Single sign-on through OpenID Connect (mozilla-django-oidc), read from the
environment. base.py takes these and adds the backend when OIDC_ENABLED."""

from django.core.exceptions import ImproperlyConfigured

from .environment import env_int, env_str

__all__ = [
    "OIDC_RP_CLIENT_ID", "OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT", "OIDC_RP_SIGN_ALGO", "OIDC_RP_SCOPES", "OIDC_CREATE_USER",
    "OIDC_USE_PKCE", "OIDC_TIMEOUT", "OIDC_ENABLED",
]  # fmt: skip

# On only when the provider is named: client id and secret plus the
# provider's authorization, token, user-info and key-set endpoints. Then the
# login page offers "Sign in with single sign-on" and /oidc/ answers; without
# them neither exists (installer_ops/single_sign_on.py reads these at request
# time). A person is matched by email to an existing, active login; nobody is
# ever created from a provider's answer. Half a configuration fails at start-up.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
_OIDC_REQUIRED = {
    "OIDC_RP_CLIENT_ID": OIDC_RP_CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
    "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
    "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
    "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
}
if any(_OIDC_REQUIRED.values()) and not all(_OIDC_REQUIRED.values()):
    _missing = ", ".join(name for name, value in _OIDC_REQUIRED.items() if not value)
    raise ImproperlyConfigured(f"Single sign-on is half configured: also set {_missing}, or no OIDC_ variable.")
OIDC_ENABLED = all(_OIDC_REQUIRED.values())
