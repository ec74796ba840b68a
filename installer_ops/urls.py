"""The project's URL configuration: the one place that names every app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from bootcamp import apis as bootcamp_apis
from bootcamp import evidence_apis, signoff_apis
from hiring import apis as hiring_apis
from kpis import apis as kpi_apis
from kpis import detail_views as kpi_detail_views
from kpis import field_apis
from kpis import views as kpi_views
from onboarding import apis as onboarding_apis
from onboarding import consent_apis, consent_photo_apis, person_views, queue_views, tablet_apis
from onboarding import views as onboarding_views

from . import account_views, apis, audit_apis, audit_views, single_sign_on, sync_apis, tablet, views
from .api_reference_views import api_docs
from .health import healthz

router = DefaultRouter()
router.register("geographies", apis.GeographyViewSet, basename="geography")
router.register("verticals", apis.VerticalViewSet, basename="vertical")
router.register("pods", apis.PodViewSet, basename="pod")
router.register("installers", apis.InstallerViewSet, basename="installer")
router.register("programs", bootcamp_apis.ProgramViewSet, basename="program")
router.register("cohorts", bootcamp_apis.CohortViewSet, basename="cohort")
router.register("enrollments", bootcamp_apis.EnrollmentViewSet, basename="enrollment")
router.register("kits", onboarding_apis.KitViewSet, basename="kit")
router.register("shadow-assignments", onboarding_apis.ShadowAssignmentViewSet, basename="shadow-assignment")
router.register("shadow-days", onboarding_apis.ShadowDayViewSet, basename="shadow-day")
router.register("drills", onboarding_apis.DrillViewSet, basename="drill")
router.register("runbooks", onboarding_apis.RunbookViewSet, basename="runbook")
router.register("consent-records", consent_apis.ConsentRecordViewSet, basename="consent-record")
router.register("nodes", field_apis.NodeViewSet, basename="node")
router.register("installs", field_apis.InstallViewSet, basename="install")
router.register("visits", field_apis.VisitViewSet, basename="visit")
router.register("incidents", field_apis.IncidentViewSet, basename="incident")
router.register("audits", field_apis.AuditViewSet, basename="audit")
router.register("requisitions", hiring_apis.RequisitionViewSet, basename="requisition")
router.register("candidates", hiring_apis.CandidateViewSet, basename="candidate")

api_v1 = [
    path("auth/token/", apis.TokenObtainView.as_view(), name="api-token"),
    path("me/", apis.MeView.as_view(), name="api-me"),
    path("audit-log/", audit_apis.AuditLogView.as_view(), name="api-audit-log"),
    path("sync/", sync_apis.SyncView.as_view(), name="api-sync"),
    path("signoffs/pending/", signoff_apis.PendingSignoffsView.as_view(), name="api-signoffs-pending"),
    path("hiring/summary/", hiring_apis.HiringSummaryView.as_view(), name="api-hiring-summary"),
    path("hiring/rubric/", hiring_apis.HiringRubricView.as_view(), name="api-hiring-rubric"),
    path("kpis/", kpi_apis.KpiListView.as_view(), name="api-kpis"),
    path("kpis/recompute/", kpi_apis.RecomputeView.as_view(), name="api-kpis-recompute"),
    path("kpis/jobs/<uuid:job_id>/", kpi_apis.KpiJobView.as_view(), name="api-kpi-job"),
    path("installers/<int:pk>/readiness/", onboarding_apis.ReadinessView.as_view(), name="api-readiness"),
    path("installers/<int:pk>/clearance/", onboarding_apis.ClearanceView.as_view(), name="api-clearance"),
    path("installers/<int:pk>/packet.pdf", onboarding_apis.PacketView.as_view(), name="api-packet"),
    path("current-documents/", tablet_apis.CurrentDocumentsView.as_view(), name="api-current-documents"),
    path("consent-flows/", consent_apis.ConsentFlowsView.as_view(), name="api-consent-flows"),
    path(
        "consent-flows/<int:pk>/acknowledge/",
        consent_apis.ConsentAcknowledgeView.as_view(),
        name="api-consent-acknowledge",
    ),
    path(
        "consent-records/<uuid:pk>/signature.png",
        consent_apis.ConsentSignatureView.as_view(),
        name="api-consent-signature",
    ),
    path(
        "consent-records/<uuid:pk>/photos/<uuid:photo_id>",
        consent_photo_apis.ConsentPhotoView.as_view(),
        name="api-consent-photo",
    ),
    # No trailing slash: the tablet PUTs the photo to /api/v1/evidence/{uuid}.
    path("evidence/<uuid:evidence_id>", evidence_apis.EvidenceView.as_view(), name="api-evidence"),
    path(
        "enrollments/<int:enrollment_id>/signoffs/",
        bootcamp_apis.EnrollmentSignoffView.as_view(),
        name="api-enrollment-signoffs",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on documents that name no icon (a photo, a PDF opened
    # directly): answer with the app's icon rather than a 404 in every console.
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", single_sign_on.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): answers 404 unless the OIDC_ settings name a provider.
    path("oidc/", include(single_sign_on.urlpatterns)),
    path("accounts/", account_views.account, name="account"),
    path("accounts/language/", account_views.account_language, name="account-language"),
    path("accounts/token/", account_views.account_token_create, name="account-token-create"),
    path("accounts/token/revoke/", account_views.account_token_revoke, name="account-token-revoke"),
    path("accounts/password_change/", account_views.password_change, name="password_change"),
    path("accounts/password_change/done/", account_views.password_change_done, name="password_change_done"),
    path("accounts/password_reset/", account_views.password_reset, name="password_reset"),
    path("accounts/password_reset/done/", account_views.password_reset_done, name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", account_views.password_reset_confirm, name="password_reset_confirm"),
    path("accounts/reset/done/", account_views.password_reset_complete, name="password_reset_complete"),
    path("accounts/invitation/<uidb64>/<token>/", account_views.invitation_accept, name="invitation-accept"),
    path("org/", views.org_overview, name="org-overview"),
    path("org/pods/<int:pod_id>/", views.pod_detail, name="pod-detail"),
    path("org/installers/", views.installer_list, name="installer-list"),
    path("org/installers/new/", views.installer_hire, name="installer-hire"),
    # One page per person: it reads bootcamp and onboarding, so the top app that it needs serves it.
    path("org/installers/<int:installer_id>/", person_views.person_page, name="installer-detail"),
    path("org/installers/<int:installer_id>/promote/", views.installer_promote, name="installer-promote"),
    path("org/installers/<int:installer_id>/separate/", views.installer_separate, name="installer-separate"),
    path(
        "org/installers/<int:installer_id>/invitation/",
        account_views.installer_invitation_send,
        name="installer-invitation-send",
    ),
    path("me/", views.my_record, name="my-record"),
    path("app/", tablet.app_shell, name="app"),
    path("app/sw.js", tablet.service_worker, name="app-service-worker"),
    path("app/manifest.webmanifest", tablet.manifest, name="app-manifest"),
    path("app/jsi18n/", JavaScriptCatalog.as_view(), name="app-jsi18n"),
    path("dashboard/", kpi_views.dashboard, name="dashboard"),
    path("dashboard/kpis/<str:code>/", kpi_detail_views.kpi_detail, name="kpi-detail"),
    path("kpis/", include("kpis.urls")),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("lead/queue/", queue_views.lead_queue, name="lead-queue"),
    path("lead/queue/signoffs/", queue_views.lead_queue_signoffs, name="lead-queue-signoffs"),
    path("lead/onboarding/", include("onboarding.urls")),
    path("library/", include("onboarding.library_urls")),
    path("lead/", include("bootcamp.urls")),
    path("hiring/", include("hiring.urls")),
    path("runbooks/", onboarding_views.runbook_list, name="runbook-list"),
    path("runbooks/<slug:slug>/v<int:number>/", onboarding_views.runbook_print, name="runbook-print"),
    path("runbooks/<slug:slug>/v<int:number>.pdf", onboarding_views.runbook_pdf, name="runbook-pdf"),
    path("runbooks/<slug:slug>/v<int:number>/page.css", onboarding_views.runbook_print_css, name="runbook-print-css"),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The API reference: our own page, made from that schema (installer_ops/api_reference.py).
    path("api/docs/", api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]

# Errors under /api/ answer JSON (installer_ops/error_views.py).
handler400 = "installer_ops.error_views.bad_request"
handler403 = "installer_ops.error_views.permission_denied"
handler404 = "installer_ops.error_views.page_not_found"
handler500 = "installer_ops.error_views.server_error"
