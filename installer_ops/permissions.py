"""Who may write what, by role. Reads are scoped by the selectors instead."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .roles import Role, role_of


class ReadAnyWriteAdmin(BasePermission):
    """Reference data (geographies, verticals, pods): everyone logged in reads, admins write."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or role_of(request.user) == Role.ADMIN


class ReadScopedWriteLead(BasePermission):
    """Installer records: read within scope; leads (of the pod) and admins write."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or role_of(request.user) in (Role.LEAD, Role.ADMIN)
