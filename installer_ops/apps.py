from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstallerOpsConfig(AppConfig):
    name = "installer_ops"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Log-ins record their session keys (installer_ops/login_sessions.py).
        from . import login_sessions  # noqa: F401
