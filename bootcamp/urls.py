from django.urls import path

from . import program_views, views

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
    # The program builder (bootcamp/program_views.py).
    path("programs/", program_views.program_list, name="lead-programs"),
    path("programs/new/", program_views.program_create, name="lead-program-create"),
    path("programs/<int:program_id>/compare/", program_views.program_compare, name="lead-program-compare"),
    path("programs/<int:program_id>/v<int:number>/", program_views.program_version, name="lead-program-version"),
    path(
        "programs/<int:program_id>/v<int:number>/edit/",
        program_views.program_version_draft,
        name="lead-program-version-draft",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/settings/",
        program_views.program_settings,
        name="lead-program-settings",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/publish/",
        program_views.program_publish,
        name="lead-program-publish",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/modules/new/",
        program_views.program_module_add,
        name="lead-program-module-add",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/modules/<int:module_id>/",
        program_views.program_module_edit,
        name="lead-program-module",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/modules/<int:module_id>/move/",
        program_views.program_module_move,
        name="lead-program-module-move",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/modules/<int:module_id>/remove/",
        program_views.program_module_remove,
        name="lead-program-module-remove",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/modules/<int:module_id>/items/new/",
        program_views.program_item_add,
        name="lead-program-item-add",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/items/<int:item_id>/",
        program_views.program_item_edit,
        name="lead-program-item",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/items/<int:item_id>/move/",
        program_views.program_item_move,
        name="lead-program-item-move",
    ),
    path(
        "programs/<int:program_id>/v<int:number>/items/<int:item_id>/remove/",
        program_views.program_item_remove,
        name="lead-program-item-remove",
    ),
]
