from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        # The tablet's `consent.recorded` events go through the one sync endpoint.
        from .consent_records import register

        register()
