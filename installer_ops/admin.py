"""Admin for the organisation. Rule-bearing changes (hiring, promotions,
separations, role hand-overs) go through the services: the admin never
writes a level, a stage or a separation directly."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenProxy

from . import services
from .audit import audit_record, audit_record_many
from .login_sessions import login_access_end
from .models import AuditEntry, Geography, Installer, LoginSession, Pod, PodMembership, Promotion, User, Vertical
from .services import accounts as account_services


class HistoryAdmin(admin.ModelAdmin):
    """A record of what happened (audit entries, check-off events,
    promotions, clearances, published versions, snapshots, jobs, reminders):
    administrators read it here and nobody adds, edits or deletes it. The
    apps' admins share this base."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Every addition, change and deletion made here goes to the audit log,
    with each changed field's value before and after. The admin's own
    log_* hooks run whatever a subclass does in save_model."""

    def save_form(self, request, form, change):
        request.audit_changes = {
            field: (form.initial.get(field), form.cleaned_data.get(field)) if change else form.cleaned_data.get(field)
            for field in form.changed_data
        }
        return super().save_form(request, form, change)

    # An addition made through a service is audited by the service itself.
    added_through_service = False

    def log_addition(self, request, obj, message):
        if self.added_through_service:
            return super().log_addition(request, obj, message)
        audit_record(
            actor=request.user,
            source="admin",
            action="create",
            target=obj,
            changes=getattr(request, "audit_changes", {}),
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(
            actor=request.user,
            source="admin",
            action="update",
            target=obj,
            changes=getattr(request, "audit_changes", {}),
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        audit_record_many(actor=request.user, source="admin", action="delete", targets=list(queryset))
        return super().log_deletions(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(HistoryAdmin):
    """The audit log, for admins to read; nobody edits it. The page at
    /audit/ reads it with the API's filters and exports it."""

    list_display = ("at", "actor", "source", "action", "object_type", "object_repr")
    list_filter = ("source", "action", "object_type")
    search_fields = ("object_repr", "object_id", "actor__username", "actor__name")
    list_select_related = ("actor",)
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


@admin.register(LoginSession)
class LoginSessionAdmin(HistoryAdmin):
    """Which sessions a login opened, written at log-in and read when access ends."""

    # A session key is a bearer credential: shown by its last characters only.
    list_display = ("user", "created_at", "key_hint")
    fields = ("user", "created_at", "key_hint")
    readonly_fields = fields
    search_fields = ("user__username", "user__name")
    list_select_related = ("user",)
    date_hierarchy = "created_at"

    @admin.display(description=_("session"))
    def key_hint(self, obj) -> str:
        return f"…{obj.session_key[-4:]}"


# DRF's own token admin lists every key in full (its primary key, so in
# every link too) and adds and deletes tokens past the account services and
# their audit. Ours lists who holds a key and its last four characters, with
# no link and no action; revoking is the users' admin action, through the service.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "key_hint")
    list_display_links = None
    actions = None
    search_fields = ("user__username", "user__name")
    list_select_related = ("user",)

    @admin.display(description=_("key"))
    def key_hint(self, obj) -> str:
        return f"…{obj.key[-4:]}"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The four role groups are made by role_groups_ensure and read by the
# policies by name; their permissions mean nothing here. They are listed,
# and a login's role is set on the login, but a group is never added,
# renamed or given permissions in the admin.
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(HistoryAdmin):
    list_display = ("name",)
    fields = ("name",)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "email", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "invited_at")}),
    )
    readonly_fields = ("invited_at",)
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "name", "email", "password1", "password2")}),)
    list_display = ("username", "name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("username", "name", "email")
    ordering = ("username",)

    actions = ["revoke_api_tokens"]

    @admin.action(description=_("Revoke the selected logins' API tokens"))
    def revoke_api_tokens(self, request, queryset):
        revoked = sum(account_services.api_token_revoke(actor=request.user, user=user) for user in queryset)
        self.message_user(request, _("API tokens revoked: %(count)d.") % {"count": revoked})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # As a separation does: a login switched off here loses its
            # sessions and API token at once (inside the admin's transaction),
            # so that switching it back on revives nothing.
            login_access_end(obj)


@admin.register(Geography)
class GeographyAdmin(AuditedAdmin):
    list_display = ("name", "code", "time_zone", "locale")
    search_fields = ("name", "code")
    list_filter = ("time_zone",)


@admin.register(Vertical)
class VerticalAdmin(AuditedAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


class PodMembershipInline(admin.TabularInline):
    model = PodMembership
    extra = 0
    fields = ("role", "user", "phone", "started_on", "ended_on")
    readonly_fields = ("role", "user", "started_on", "ended_on")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Hand-overs end the previous holder: add them from the pod role page.
        return False


class InstallerInline(admin.TabularInline):
    model = Installer
    extra = 0
    fields = ("employee_id", "user", "level", "stage", "hired_on")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pod)
class PodAdmin(AuditedAdmin):
    list_display = ("name", "code", "vertical", "geography")
    list_filter = ("geography", "vertical")
    search_fields = ("name", "code")
    list_select_related = ("vertical", "geography")
    inlines = [PodMembershipInline, InstallerInline]


class PodMembershipAdminForm(forms.ModelForm):
    class Meta:
        model = PodMembership
        fields = ("pod", "role", "user", "phone", "started_on", "ended_on")

    def clean(self):
        cleaned = super().clean()
        # In the admin a role is handed over in two steps (end the current
        # holder, then add the new one), so the one-active-holder constraint
        # shows as a form error; the API's hand-over does both at once.
        if self.instance.pk is None and not self.errors:
            services.pod_role_assign_validate(
                pod=cleaned["pod"], role=cleaned["role"], user=cleaned["user"], started_on=cleaned["started_on"]
            )
        return cleaned


@admin.register(PodMembership)
class PodMembershipAdmin(AuditedAdmin):
    form = PodMembershipAdminForm
    list_display = ("pod", "role", "user", "started_on", "ended_on")
    list_filter = ("role", ("ended_on", admin.EmptyFieldListFilter), "pod__geography")
    search_fields = ("pod__name", "pod__code", "user__name", "user__username")
    list_select_related = ("pod", "user")
    autocomplete_fields = ("pod", "user")
    date_hierarchy = "started_on"

    added_through_service = True

    def get_readonly_fields(self, request, obj=None):
        return ("pod", "role", "user", "started_on") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            # Only the phone and the end date are editable on an existing membership.
            obj.save(update_fields=["phone", "ended_on"])
        else:
            saved = services.pod_role_assign(
                actor=request.user,
                pod=obj.pod,
                role=obj.role,
                user=obj.user,
                started_on=obj.started_on,
                phone=obj.phone,
            )
            obj.pk = saved.pk


class PromotionInline(admin.TabularInline):
    model = Promotion
    extra = 0
    fields = ("effective_on", "from_level", "to_level", "recorded_by", "recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Promotions are recorded from the installer's page, which applies the ladder's rules.
        return False


@admin.register(Installer)
class InstallerAdmin(AuditedAdmin):
    list_display = ("employee_id", "name", "pod", "level", "stage", "hired_on", "left_on")
    list_filter = ("stage", "level", "hiring_source", "pod__geography", "pod__vertical", "pod")
    search_fields = ("employee_id", "user__name", "user__username", "user__email")
    list_select_related = ("user", "pod")
    date_hierarchy = "hired_on"
    inlines = [PromotionInline]
    readonly_fields = ("user", "level", "stage", "left_on", "left_voluntarily", "created_at", "updated_at")
    fields = (
        "user",
        "employee_id",
        "pod",
        "hiring_source",
        "hired_on",
        "level",
        "stage",
        "left_on",
        "left_voluntarily",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        # Hiring creates the login as well: done from the Installers page or the API.
        return False

    @admin.display(description=_("name"), ordering="user__name")
    def name(self, obj):
        return obj.user.get_full_name()


@admin.register(Promotion)
class PromotionAdmin(HistoryAdmin):
    """Promotions are history: recorded from the installer's page or the API
    (installer_promote applies the ladder's rules), never edited or removed."""

    list_display = ("installer", "from_level", "to_level", "effective_on", "recorded_by")
    list_filter = ("to_level", "installer__pod")
    search_fields = ("installer__employee_id", "installer__user__name")
    list_select_related = ("installer__user", "installer__pod", "recorded_by")
    date_hierarchy = "effective_on"
