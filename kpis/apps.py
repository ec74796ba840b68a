from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("Field data and KPIs")

    def ready(self):
        # Consent records synced from the tablets refresh the consent KPI's periods.
        from onboarding.signals import consent_recorded

        from .refresh import refresh_after_consent

        consent_recorded.connect(refresh_after_consent, dispatch_uid="kpis-refresh-after-consent")
