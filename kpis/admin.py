"""Admin for field data and KPIs, with an upload of the import files that
runs the same importer as `import_field_data`."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .importing import COLUMNS, ImportRefused, field_data_import
from .models import Audit, Incident, Install, KpiJob, KpiSnapshot, KpiTarget, Node, Visit


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


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ("serial", "site", "pod", "installer", "installed_on")
    list_filter = ("pod__geography", "pod")
    search_fields = ("serial", "site")
    list_select_related = ("pod", "installer__user")
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
class InstallAdmin(admin.ModelAdmin):
    list_display = ("external_id", "site", "pod", "installer")
    list_filter = ("pod",)
    search_fields = ("external_id", "site")
    list_select_related = ("pod", "installer__user")
    inlines = [VisitInline]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("external_id", "node", "severity", "opened_at", "resolved_at")
    list_filter = ("severity", ("resolved_at", admin.EmptyFieldListFilter))
    search_fields = ("external_id", "node__serial")
    list_select_related = ("node",)
    date_hierarchy = "opened_at"


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ("external_id", "pod", "installer", "audited_on", "passed")
    list_filter = ("passed", "pod")
    search_fields = ("external_id", "findings")
    list_select_related = ("pod", "installer__user")
    date_hierarchy = "audited_on"


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    list_display = ("kpi", "scope", "scope_id", "target")
    list_filter = ("kpi", "scope")


@admin.register(KpiSnapshot)
class KpiSnapshotAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(KpiJob)
class KpiJobAdmin(admin.ModelAdmin):
    list_display = ("id", "since", "until", "status", "progress", "written", "created_at", "finished_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
