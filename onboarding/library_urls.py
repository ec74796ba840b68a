"""The onboarding library's pages, mounted at /library/ (administrators:
documents with the Markdown editor, drill scenarios, configuration profiles)."""

from django.urls import path

from . import library_document_views, library_views

urlpatterns = [
    path("", library_document_views.document_list, name="library-documents"),
    path("new-document/", library_document_views.document_create, name="library-document-create"),
    path("documents/<slug:slug>/", library_document_views.document_detail, name="library-document"),
    path("documents/<slug:slug>/preview/", library_document_views.document_preview, name="library-document-preview"),
    path("scenarios/", library_views.scenario_list, name="library-scenarios"),
    path("scenarios/new/", library_views.scenario_create, name="library-scenario-create"),
    path("scenarios/<int:scenario_id>/", library_views.scenario_detail, name="library-scenario"),
    path("scenarios/<int:scenario_id>/active/", library_views.scenario_active, name="library-scenario-active"),
    path("profiles/", library_views.profile_list, name="library-profiles"),
    path("profiles/new/", library_views.profile_create, name="library-profile-create"),
    path("profiles/<int:profile_id>/", library_views.profile_detail, name="library-profile"),
]
