"""The web process's entry point: gunicorn (deploy/processes.py: WEB) and runserver load it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "installer_ops.settings.local")

application = get_wsgi_application()

# Only here, so only web requests run under WEB_STATEMENT_TIMEOUT_MS; workers,
# migrations and commands never load this module (installer_ops/statement_timeout.py).
from installer_ops.statement_timeout import enable_for_web  # noqa: E402 - needs the settings set up above

enable_for_web()
