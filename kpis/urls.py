"""KPI pages besides the dashboard: targets and recomputes (included under /kpis/)."""

from django.urls import path

from . import recompute_views, target_views

urlpatterns = [
    path("targets/", target_views.kpi_targets, name="kpi-targets"),
    path("targets/<int:target_id>/remove/", target_views.kpi_target_delete, name="kpi-target-remove"),
    path("recompute/", recompute_views.kpi_recompute, name="kpi-recompute"),
    path("jobs/<uuid:job_id>/progress/", recompute_views.kpi_job_progress, name="kpi-job-progress"),
]
