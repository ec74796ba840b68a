"""Developer laptop defaults: SQLite under var/, eager Celery, console email."""

from .base import *  # noqa: F403
from .environment import env_bool, env_list, env_str

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for a local, DEBUG-only database; production refuses to start without its own.
SECRET_KEY = env_str("SECRET_KEY") or "local-development-only-not-a-secret"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from the apps (no collectstatic step outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
