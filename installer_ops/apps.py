from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstallerOpsConfig(AppConfig):
    name = "installer_ops"
    verbose_name = _("Organisation")
