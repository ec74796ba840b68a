"""Admin for field data and KPIs, with an upload of the import files that
runs the same importer as `import_field_data`."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from installer_ops.admin import AuditedAdmin, HistoryAdmin

from .importing import COLUMNS, ImportRefused, field_data_import
from .models import Audit, Incident, Install, KpiJob, KpiSnapshot, KpiTarget, Node, Visit
from .targets import kpi_target_remove, kpi_target_set, kpi_target_validate


class ImportForm(forms.Form):
    """One optional file field per import file: whichever are given are imported together."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in COLUMNS:
            self.fields[name] = forms.FileField(label=name, required=False)

    def clean(self):
        cleaned = super().clean()
        # Bytes: the importer decodes them, so that a file that is not UTF-8
        # is listed with the other errors, naming its line.
        files = {name: cleaned[name].read() for name in COLUMNS if cleaned.get(name) is not None}
        if not files and not self.errors:
            raise forms.ValidationError(_("Choose at least one file."))
        cleaned["files"] = files
        return cleaned


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0


@admin.register(Visit)
class VisitAdmin(AuditedAdmin):
    list_display = ("install", "visited_at", "outcome")
    list_filter = ("outcome", "install__pod")
    search_fields = ("install__external_id", "install__site")
    list_select_related = ("install",)
    raw_id_fields = ("install",)
    date_hierarchy = "visited_at"


@admin.register(Node)
class NodeAdmin(AuditedAdmin):
    list_display = ("serial", "site", "pod", "installer", "installed_on")
    list_filter = ("pod__geography", "pod")
    search_fields = ("serial", "site")
    list_select_related = ("pod", "installer__user")
    raw_id_fields = ("installer",)
    date_hierarchy = "installed_on"
    change_list_template = "kpis/admin_node_changelist.html"

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="kpis_import")] + super().get_urls()

    def import_view(self, request):
        """Upload the CSV files of docs/architecture.md, Field-data import; all or nothing."""
        if not request.user.has_perm("kpis.add_node"):
            messages.error(request, _("You may not import field data."))
            return redirect(reverse("admin:index"))
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                report = field_data_import(actor=request.user, files=form.cleaned_data["files"])
            except ImportRefused as refused:
                errors = refused.errors
            else:
                summary = "; ".join(
                    f"{label}: {report.created[label]} created, {report.updated[label]} updated, "
                    f"{report.unchanged[label]} unchanged"
                    for label in sorted(set(report.created) | set(report.updated) | set(report.unchanged))
                )
                messages.success(request, _("Imported. %(summary)s") % {"summary": summary})
                return redirect(reverse("admin:kpis_import"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import field data"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "kpis/admin_import.html", context, status=400 if errors else 200)


@admin.register(Install)
class InstallAdmin(AuditedAdmin):
    list_display = ("external_id", "site", "pod", "installer")
    list_filter = ("pod",)
    search_fields = ("external_id", "site")
    list_select_related = ("pod", "installer__user")
    raw_id_fields = ("installer",)
    inlines = [VisitInline]


@admin.register(Incident)
class IncidentAdmin(AuditedAdmin):
    list_display = ("external_id", "node", "severity", "opened_at", "resolved_at")
    list_filter = ("severity", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("external_id", "node__serial")
    list_select_related = ("node",)
    raw_id_fields = ("node",)
    date_hierarchy = "opened_at"


@admin.register(Audit)
class AuditAdmin(AuditedAdmin):
    list_display = ("external_id", "pod", "installer", "audited_on", "passed")
    list_filter = ("passed", "pod")
    search_fields = ("external_id", "findings")
    list_select_related = ("pod", "installer__user")
    raw_id_fields = ("installer", "consent_record")
    date_hierarchy = "audited_on"


class KpiTargetAdminForm(forms.ModelForm):
    class Meta:
        model = KpiTarget
        fields = ("kpi", "scope", "scope_id", "target")
        help_texts = {"target": _("Rates as a fraction: 0.85 is 85 %.")}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            kpi = cleaned.get("kpi", self.instance.kpi)
            scope = cleaned.get("scope", self.instance.scope)
            scope_id = cleaned.get("scope_id", self.instance.scope_id)
            kpi_target_validate(kpi=kpi, scope=scope, scope_id=scope_id, target=cleaned.get("target"))
        return cleaned


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    """Targets as stored (rates as fractions: 0.85 is 85 %). Saved and removed
    through kpis/targets.py, which checks the KPI's scopes and unit range and
    audits; the targets page (/kpis/targets/) is the friendlier door."""

    form = KpiTargetAdminForm
    list_display = ("kpi", "scope", "scope_id", "target")
    list_filter = ("kpi", "scope")

    def get_readonly_fields(self, request, obj=None):
        # A target belongs to its KPI and scope: another scope is another target.
        return ("kpi", "scope", "scope_id") if obj else ()

    def save_model(self, request, obj, form, change):
        saved = kpi_target_set(
            actor=request.user, kpi=obj.kpi, scope=obj.scope, scope_id=obj.scope_id, target=obj.target
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        kpi_target_remove(actor=request.user, target=obj)

    def delete_queryset(self, request, queryset):
        for target in queryset:
            kpi_target_remove(actor=request.user, target=target)


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(HistoryAdmin):
    """Read-only: snapshots are computed, never edited."""

    list_display = (
        "kpi",
        "scope",
        "scope_id",
        "grain",
        "period_start",
        "value",
        "numerator",
        "denominator",
        "provisional",
        "computed_at",
    )
    list_filter = ("kpi", "grain", "scope", "provisional")
    date_hierarchy = "period_start"


@admin.register(KpiJob)
class KpiJobAdmin(HistoryAdmin):
    """Jobs are started from /kpis/recompute/, the API or the schedule; read here."""

    list_display = ("id", "since", "until", "status", "progress", "written", "created_at", "finished_at")
    list_filter = ("status",)
    list_select_related = ("requested_by",)
