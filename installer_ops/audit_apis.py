"""GET /api/v1/audit-log/: the audit log for administrators, filterable by
object, actor, source and date, as JSON pages or as one CSV download."""

import csv
import io
import json

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, BrowsableAPIRenderer, JSONRenderer

from . import policies, values
from .csv_export import safe_cell
from .models import AuditEntry

CSV_COLUMNS = ["id", "at", "actor", "actor_name", "source", "action", "object_type", "object_id", "object_repr"]


class AuditEntrySerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name", default="", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [*CSV_COLUMNS, "changes"]


class AuditEntryFilter(django_filters.FilterSet):
    # An actor id that names nobody filters to nothing, like any other value:
    # the log is the administrators' and hides no one from them.
    actor = django_filters.NumberFilter(field_name="actor_id", min_value=1, max_value=values.BIGINT_MAX)
    # In the plausible window: a time of year 778 with a -20:55 offset reached
    # PostgreSQL as a value it cannot hold (found by the negative fuzz).
    since = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="gte", validators=[values.validate_plausible_datetime]
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="lt", validators=[values.validate_plausible_datetime]
    )

    class Meta:
        model = AuditEntry
        fields = ["object_type", "object_id", "actor", "source", "action"]


class CSVRenderer(BaseRenderer):
    """The filtered log as CSV (?format=csv); changes as JSON text, every
    cell neutralised against spreadsheet formulas."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, list):  # an error answer
            data = [{"object_repr": json.dumps(data)}]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([*CSV_COLUMNS, "changes"])
        for row in data:
            cells = [row.get(column, "") for column in CSV_COLUMNS]
            cells.append(json.dumps(row.get("changes", {}), ensure_ascii=False, sort_keys=True))
            writer.writerow([safe_cell("" if cell is None else cell) for cell in cells])
        return out.getvalue().encode("utf-8")


class CanReadAuditLog(BasePermission):
    """The policy's answer, for DRF: administrators only."""

    def has_permission(self, request, view):
        return policies.can_read_audit_log(request.user)


class AuditLogView(ListAPIView):
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    renderer_classes = [JSONRenderer, CSVRenderer, BrowsableAPIRenderer]
    # The CSV holds every matching entry, newest first, up to this many.
    CSV_LIMIT = 50_000

    permission_classes = [CanReadAuditLog]

    def get_queryset(self):
        return AuditEntry.objects.select_related("actor").order_by("-at", "-id")

    def paginate_queryset(self, queryset):
        if getattr(self.request, "accepted_renderer", None) and self.request.accepted_renderer.format == "csv":
            return None
        return super().paginate_queryset(queryset)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.request.accepted_renderer.format == "csv":
            return queryset[: self.CSV_LIMIT]
        return queryset

    @extend_schema(summary="The audit log (administrators); ?format=csv for a CSV download")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
