"""Admin for hiring. Requisitions and candidates are run through the
services (the API and, later, the lead's pages: stage order, reasons and
the hire's checks live there), so here they are read-only, as are their
history (stage changes) and scorecards. The task library is reference data,
edited here with each change audited; the rubric's minimums are set through
minimums_set."""

from django import forms
from django.contrib import admin

from installer_ops.admin import AuditedAdmin, HistoryAdmin

from . import services
from .models import Candidate, Requisition, RubricMinimums, Scorecard, ScreeningTask, StageChange


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ("name", "source", "stage", "applied_on", "stage_changed_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Requisition)
class RequisitionAdmin(HistoryAdmin):
    list_display = ("pod", "role", "level", "opened_on", "fill_by", "status", "filled_by")
    list_filter = ("status", "role", "pod__geography", "pod")
    search_fields = ("pod__name", "pod__code")
    list_select_related = ("pod", "filled_by")
    date_hierarchy = "opened_on"
    inlines = [CandidateInline]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ("at", "from_stage", "to_stage", "reason", "actor")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ScorecardInline(admin.TabularInline):
    model = Scorecard
    extra = 0
    fields = (
        "task",
        "interviewer",
        "field_problem_solving",
        "customer_empathy",
        "security_hygiene",
        "recommendation",
        "created_at",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Candidate)
class CandidateAdmin(HistoryAdmin):
    list_display = ("name", "requisition", "source", "stage", "applied_on", "stage_changed_at")
    list_filter = ("stage", "source", "requisition__pod")
    search_fields = ("name", "email")
    list_select_related = ("requisition__pod",)
    date_hierarchy = "applied_on"
    inlines = [StageChangeInline, ScorecardInline]


@admin.register(StageChange)
class StageChangeAdmin(HistoryAdmin):
    list_display = ("candidate", "from_stage", "to_stage", "at", "actor")
    list_filter = ("to_stage",)
    search_fields = ("candidate__name", "reason")
    list_select_related = ("candidate", "actor")
    date_hierarchy = "at"


@admin.register(Scorecard)
class ScorecardAdmin(HistoryAdmin):
    list_display = (
        "candidate",
        "task",
        "interviewer",
        "field_problem_solving",
        "customer_empathy",
        "security_hygiene",
        "recommendation",
        "created_at",
    )
    list_filter = ("task", "recommendation")
    search_fields = ("candidate__name", "interviewer__name", "interviewer__username")
    list_select_related = ("candidate", "task", "interviewer")
    date_hierarchy = "created_at"


@admin.register(ScreeningTask)
class ScreeningTaskAdmin(AuditedAdmin):
    """The task library: administrators add tasks, reword them and retire
    them (`active`). A task is never deleted: scorecards point at it."""

    list_display = ("title", "slug", "kind", "position", "active")
    list_filter = ("kind", "active")
    search_fields = ("title", "slug")
    fields = ("slug", "title", "kind", "what_to_look_for", "position", "active")

    def get_readonly_fields(self, request, obj=None):
        # Clients and imports name tasks by slug: it stays as created.
        return ("slug",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


class RubricMinimumsForm(forms.ModelForm):
    class Meta:
        model = RubricMinimums
        fields = (
            "field_problem_solving",
            "customer_empathy",
            "security_hygiene",
            "min_scorecards",
            "require_failure_scenario",
        )


@admin.register(RubricMinimums)
class RubricMinimumsAdmin(admin.ModelAdmin):
    """The one row of minimums; saving goes through minimums_set, which audits it."""

    form = RubricMinimumsForm
    list_display = ("__str__", "field_problem_solving", "customer_empathy", "security_hygiene", "min_scorecards")
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.minimums_set(actor=request.user, **{f: form.cleaned_data[f] for f in RubricMinimumsForm.Meta.fields})
