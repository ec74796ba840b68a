"""Admin for the bootcamp: every record listed for administrators to read.
Nothing here is edited in place: programs and their versions are authored
through the program services (a published version never changes), cohorts
and enrolments are planned on the lead pages, and check-off events, item
states and reminders are history. The one write, publishing a draft,
goes through program_version_publish."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from installer_ops.admin import HistoryAdmin
from installer_ops.page_errors import DOMAIN_ERRORS, domain_error_text

from .evidence_selectors import evidence_url
from .models import (
    CheckoffEvent,
    Cohort,
    Enrollment,
    Evidence,
    Item,
    ItemState,
    Module,
    Program,
    ProgramVersion,
    ReminderLog,
    ReminderRun,
)
from .services import program_version_publish


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = ("title", "code")
    search_fields = ("title", "code")


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ("position", "title", "first_day", "last_day")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgramVersion)
class ProgramVersionAdmin(HistoryAdmin):
    list_display = ("program", "number", "working_days", "published_at", "created_at")
    list_filter = ("program", ("published_at", admin.EmptyFieldListFilter))
    search_fields = ("program__title", "program__code")
    list_select_related = ("program",)
    inlines = [ModuleInline]
    actions = ["publish"]

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request, queryset):
        published = 0
        for version in queryset.select_related("program").filter(published_at__isnull=True):
            try:
                program_version_publish(actor=request.user, version=version)
            except PermissionDenied:
                messages.error(request, _("You may not publish programs."))
                return
            except DOMAIN_ERRORS as exc:
                messages.error(request, f"{version}: {domain_error_text(exc)}")
            else:
                published += 1
        messages.info(
            request,
            ngettext("%(n)s version published.", "%(n)s versions published.", published) % {"n": published},
        )


class ItemInline(admin.TabularInline):
    model = Item
    extra = 0
    fields = ("position", "title", "kind", "needs_signoff")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Module)
class ModuleAdmin(HistoryAdmin):
    list_display = ("title", "version", "position", "first_day", "last_day")
    list_filter = ("version__program",)
    search_fields = ("title", "version__program__title")
    list_select_related = ("version__program",)
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(HistoryAdmin):
    list_display = ("title", "module", "position", "kind", "needs_signoff")
    list_filter = ("kind", "needs_signoff", "module__version__program")
    search_fields = ("title", "description", "module__title")
    list_select_related = ("module",)


@admin.register(Cohort)
class CohortAdmin(HistoryAdmin):
    """Cohorts are planned on the lead pages (cohort_create checks the pods
    and the lead); listed here for reference."""

    list_display = ("name", "program_version", "start_on", "lead", "capacity")
    list_filter = ("program_version__program", "pods__geography")
    search_fields = ("name", "lead__name", "lead__username")
    list_select_related = ("program_version__program", "lead")
    date_hierarchy = "start_on"


@admin.register(Enrollment)
class EnrollmentAdmin(HistoryAdmin):
    list_display = ("installer", "cohort", "enrolled_at", "withdrawn_at")
    list_filter = (("withdrawn_at", admin.EmptyFieldListFilter), "cohort")
    search_fields = ("installer__employee_id", "installer__user__name", "cohort__name")
    list_select_related = ("installer__user", "cohort")


@admin.register(CheckoffEvent)
class CheckoffEventAdmin(HistoryAdmin):
    list_display = ("effective_at", "type", "item", "enrollment", "actor", "device_id", "received_at")
    list_filter = ("type",)
    search_fields = ("=id", "device_id", "actor__username", "enrollment__installer__employee_id")
    list_select_related = ("item", "actor", "enrollment__installer__user", "enrollment__cohort")
    date_hierarchy = "effective_at"
    raw_id_fields = ("enrollment", "item", "actor")


@admin.register(ItemState)
class ItemStateAdmin(HistoryAdmin):
    list_display = ("item", "enrollment", "checked", "signed_off", "changed_at")
    list_filter = ("checked", "signed_off")
    search_fields = ("enrollment__installer__employee_id", "enrollment__installer__user__name", "item__title")
    list_select_related = ("item", "enrollment__installer__user", "enrollment__cohort")
    raw_id_fields = ("enrollment", "item")


@admin.register(Evidence)
class EvidenceAdmin(HistoryAdmin):
    """Photos are history: stored once by the tablet's upload, never edited.
    The list shows no thumbnails (one image request per row); the object page
    links to the photo through the API, which checks who may see it, rather
    than to the storage's own URL."""

    list_display = ("id", "item", "enrollment", "size", "taken_at")
    list_filter = ("content_type",)
    search_fields = ("=id", "=event__id", "enrollment__installer__employee_id", "enrollment__installer__user__name")
    list_select_related = ("item", "enrollment__installer__user", "enrollment__cohort")
    date_hierarchy = "taken_at"
    fields = (
        "id",
        "photo",
        "event",
        "enrollment",
        "item",
        "content_type",
        "size",
        "sha256",
        "taken_at",
        "uploaded_by",
        "received_at",
        "stored_as",
    )
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def photo(self, evidence):
        return format_html('<a href="{}">{}</a>', evidence_url(evidence.pk), _("Open the photo"))

    @admin.display(description=_("stored as"))
    def stored_as(self, evidence):
        return evidence.file.name


@admin.register(ReminderLog)
class ReminderLogAdmin(HistoryAdmin):
    list_display = ("sent_on", "recipient", "module", "enrollment", "delivered_at")
    list_filter = (("delivered_at", admin.EmptyFieldListFilter),)
    search_fields = ("recipient__username", "recipient__name", "module__title")
    list_select_related = ("recipient", "module", "enrollment__installer__user", "enrollment__cohort")
    date_hierarchy = "sent_on"
    raw_id_fields = ("enrollment", "module", "recipient")


@admin.register(ReminderRun)
class ReminderRunAdmin(HistoryAdmin):
    list_display = ("day", "finished_at")
    date_hierarchy = "day"
