from django.urls import path

from . import views_candidates, views_requisitions

urlpatterns = [
    path("", views_requisitions.requisition_list, name="hiring-requisitions"),
    path("requisitions/new/", views_requisitions.requisition_create, name="hiring-requisition-create"),
    path("requisitions/<int:requisition_id>/", views_requisitions.requisition_board, name="hiring-requisition"),
    path(
        "requisitions/<int:requisition_id>/cancel/",
        views_requisitions.requisition_cancel,
        name="hiring-requisition-cancel",
    ),
    path(
        "requisitions/<int:requisition_id>/candidates/",
        views_requisitions.candidate_add,
        name="hiring-candidate-add",
    ),
    path("candidates/<int:candidate_id>/", views_candidates.candidate_page, name="hiring-candidate"),
    path("candidates/<int:candidate_id>/stage/", views_candidates.candidate_stage, name="hiring-candidate-stage"),
    path(
        "candidates/<int:candidate_id>/interviewers/",
        views_candidates.candidate_interviewers,
        name="hiring-candidate-interviewers",
    ),
    path("candidates/<int:candidate_id>/scorecard/", views_candidates.scorecard_form, name="hiring-scorecard"),
    path("candidates/<int:candidate_id>/hire/", views_candidates.candidate_hire, name="hiring-candidate-hire"),
]
