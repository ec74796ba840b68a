from django.urls import path

from . import consent_views, lead_views

urlpatterns = [
    path("", lead_views.board, name="onboarding-board"),
    path("installers/<int:installer_id>/", lead_views.installer_onboarding, name="onboarding-installer"),
    path("installers/<int:installer_id>/kit/", lead_views.kit_issue, name="onboarding-kit"),
    path("installers/<int:installer_id>/kit/reprint/", lead_views.kit_reprint, name="onboarding-kit-reprint"),
    path("installers/<int:installer_id>/mentor/", lead_views.mentor_assign, name="onboarding-mentor"),
    path("installers/<int:installer_id>/shadow-days/", lead_views.shadow_day, name="onboarding-shadow-day"),
    path("installers/<int:installer_id>/drills/", lead_views.drill_schedule, name="onboarding-drill"),
    path(
        "installers/<int:installer_id>/drills/<int:drill_id>/result/",
        lead_views.drill_result,
        name="onboarding-drill-result",
    ),
    path("installers/<int:installer_id>/clear/", lead_views.clear, name="onboarding-clear"),
    path("consent/", consent_views.consent_records, name="onboarding-consent-records"),
    path("consent/<uuid:record_id>/", consent_views.consent_record, name="onboarding-consent-record"),
]
