"""Admin for onboarding. Configuration profiles and documents are added
through their services (a profile version and a document's versions are
immutable; publishing a body goes through document_publish on the API).
Kits, shadowing, drills and clearances are the lead pages' business and
history here; the one write, a kit reprint, goes through kit_reprint. Drill
scenarios are reference data, edited here with each change audited.
Consent flow acknowledgements and consent records are history, written by
the tablet; a record's signature is shown on its page, never in a list."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from installer_ops.admin import HistoryAdmin
from installer_ops.page_errors import DOMAIN_ERRORS, domain_error_text

from . import services
from .models import (
    Clearance,
    ConfigProfile,
    ConsentAcknowledgement,
    ConsentPhoto,
    ConsentRecord,
    Day1Kit,
    Document,
    DocumentVersion,
    DrillScenario,
    OutageDrill,
    ShadowAssignment,
    ShadowDay,
)


class AddedThroughServiceAdmin(HistoryAdmin):
    """Added through a service (which audits it), then never changed."""

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")


@admin.register(ConfigProfile)
class ConfigProfileAdmin(AddedThroughServiceAdmin):
    list_display = ("name", "version", "sha256", "created_at")
    search_fields = ("name", "sha256")
    fields = ("name", "content")

    def get_fields(self, request, obj=None):
        return ("name", "version", "sha256", "content", "created_at") if obj else self.fields

    def save_model(self, request, obj, form, change):
        saved = services.config_profile_create(actor=request.user, name=obj.name, content=obj.content)
        obj.pk, obj.version = saved.pk, saved.version


@admin.register(Document)
class DocumentAdmin(AddedThroughServiceAdmin):
    list_display = ("title", "kind", "geography", "slug")
    list_filter = ("kind", "geography")
    search_fields = ("title", "slug")
    fields = ("kind", "geography", "slug", "title")
    list_select_related = ("geography",)

    def save_model(self, request, obj, form, change):
        obj.pk = services.document_create(
            actor=request.user, kind=obj.kind, slug=obj.slug, title=obj.title, geography=obj.geography
        ).pk


@admin.register(DocumentVersion)
class DocumentVersionAdmin(HistoryAdmin):
    list_display = ("document", "number", "language", "checksum", "published_at", "published_by")
    list_filter = ("document__kind", "language", "document")
    search_fields = ("document__title", "checksum")
    list_select_related = ("document", "published_by")
    date_hierarchy = "published_at"


@admin.register(Day1Kit)
class Day1KitAdmin(HistoryAdmin):
    list_display = (
        "installer",
        "device_serial",
        "profile",
        "runbook_version",
        "playbook_version",
        "reprint_needed_since",
    )
    list_filter = (("reprint_needed_since", admin.EmptyFieldListFilter),)
    search_fields = ("device_serial", "installer__employee_id", "installer__user__name")
    list_select_related = (
        "installer__user",
        "profile",
        "runbook_version__document",
        "playbook_version__document",
    )
    actions = ["reprint"]

    @admin.action(description=_("Reprint the selected kits with the current copies"))
    def reprint(self, request, queryset):
        done = 0
        for kit in queryset.select_related("installer__pod"):
            try:
                services.kit_reprint(actor=request.user, kit=kit)
            except PermissionDenied:
                messages.error(request, _("You may not reprint this kit: %(kit)s") % {"kit": kit})
            except DOMAIN_ERRORS as exc:
                messages.error(request, f"{kit}: {domain_error_text(exc)}")
            else:
                done += 1
        messages.info(request, ngettext("%(n)s kit reprinted.", "%(n)s kits reprinted.", done) % {"n": done})


@admin.register(ShadowAssignment)
class ShadowAssignmentAdmin(HistoryAdmin):
    list_display = ("installer", "mentor", "assigned_by", "assigned_at")
    search_fields = ("installer__employee_id", "installer__user__name", "mentor__user__name")
    list_select_related = ("installer__user", "mentor__user", "assigned_by")


@admin.register(ShadowDay)
class ShadowDayAdmin(HistoryAdmin):
    list_display = ("day", "assignment", "site", "confirmed_at")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    search_fields = ("site", "assignment__installer__user__name", "assignment__mentor__user__name")
    list_select_related = ("assignment__installer__user", "assignment__mentor__user")
    date_hierarchy = "day"


@admin.register(DrillScenario)
class DrillScenarioAdmin(HistoryAdmin):
    """Read here; kept in the library (/library/scenarios/), whose services
    freeze a scenario once a drill has used it and retire rather than delete."""

    list_display = ("title", "code", "recovery_target_minutes", "active")
    list_filter = ("active",)
    search_fields = ("title", "code")


@admin.register(OutageDrill)
class OutageDrillAdmin(HistoryAdmin):
    list_display = ("installer", "scenario", "scheduled_for", "outcome", "attempt", "minutes_to_recover")
    list_filter = ("outcome", "scenario")
    search_fields = ("installer__employee_id", "installer__user__name")
    list_select_related = ("installer__user", "scenario")
    date_hierarchy = "scheduled_for"


@admin.register(Clearance)
class ClearanceAdmin(HistoryAdmin):
    list_display = ("installer", "cleared_at", "valid_until", "cleared_by")
    search_fields = ("installer__employee_id", "installer__user__name")
    list_select_related = ("installer__user", "cleared_by")
    date_hierarchy = "cleared_at"


@admin.register(ConsentAcknowledgement)
class ConsentAcknowledgementAdmin(HistoryAdmin):
    list_display = ("installer", "version", "acknowledged_at")
    list_filter = ("version__document",)
    search_fields = ("installer__employee_id", "installer__user__name")
    list_select_related = ("installer__user", "version__document")
    date_hierarchy = "acknowledged_at"


@admin.register(ConsentRecord)
class ConsentRecordAdmin(HistoryAdmin):
    """Read-only. The signature's bytes are never loaded for the list (deferred);
    the object page shows the image through the API, as the record's page does."""

    list_display = ("effective_at", "install_ref", "installer", "version", "complete", "superseded")
    list_filter = ("complete", "superseded", "version__document")
    search_fields = ("install_ref", "installer__employee_id", "installer__user__name", "representative")
    list_select_related = ("installer__user", "version__document")
    date_hierarchy = "effective_at"
    exclude = ("signature_png",)
    readonly_fields = ("signature",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("signature_png")

    @admin.display(description=_("signature"))
    def signature(self, obj):
        if not obj.signature_sha256:
            return _("No signature")
        url = reverse("v1:api-consent-signature", args=[obj.pk])
        return format_html('<img src="{}" alt="{}">', url, _("Signature"))


@admin.register(ConsentPhoto)
class ConsentPhotoAdmin(HistoryAdmin):
    """A consent step's photo, stored once by the tablet's upload. The object
    page links to it through the API, which checks who may see it."""

    list_display = ("id", "record", "step", "size", "taken_at")
    list_filter = ("content_type",)
    search_fields = ("=id", "=record__id", "record__install_ref", "record__installer__user__name")
    list_select_related = ("record__installer__user", "record__version__document")
    date_hierarchy = "taken_at"
    fields = (
        "id",
        "photo",
        "record",
        "step",
        "content_type",
        "size",
        "sha256",
        "taken_at",
        "uploaded_by",
        "received_at",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        # The record's signature (up to 200 KB) is never read to name it.
        return super().get_queryset(request).select_related("record__version__document").defer("record__signature_png")

    @admin.display(description=_("photo"))
    def photo(self, obj):
        url = reverse("v1:api-consent-photo", args=[obj.record_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Open the photo"))
