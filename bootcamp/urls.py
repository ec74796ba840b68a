from django.urls import path

from . import views

urlpatterns = [
    path("", views.cohort_list, name="lead-cohorts"),
    path("cohorts/new/", views.cohort_create, name="lead-cohort-create"),
    path("cohorts/<int:cohort_id>/", views.cohort_matrix, name="lead-cohort"),
    path("cohorts/<int:cohort_id>/enrol/", views.cohort_enrol, name="lead-cohort-enrol"),
    path("cohorts/<int:cohort_id>/progress.csv", views.cohort_matrix_csv, name="lead-cohort-csv"),
    path("enrollments/<int:enrollment_id>/", views.enrollment_detail, name="lead-enrollment"),
    path(
        "enrollments/<int:enrollment_id>/items/<int:item_id>/signoff/",
        views.enrollment_signoff,
        name="lead-enrollment-signoff",
    ),
]
