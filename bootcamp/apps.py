from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BootcampConfig(AppConfig):
    name = "bootcamp"
    verbose_name = _("Bootcamp")

    def ready(self):
        from .sync_events import register

        register()
