"""Field data API for monitoring and ticketing systems: list (scoped by role)
and create, one row or many. Creation goes through the importer, so the
rules, the all-or-nothing behaviour and the errors are the import's."""

import bisect
import csv
import io
import math

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from installer_ops.policies import require

from . import policies
from .import_format import LINE_BREAK, OPTIONAL_COLUMNS, RowError, columns_of, shown
from .importing import COLUMNS, ImportRefused, field_data_import
from .models import Audit, Incident, Install, Node, Visit
from .policies import field_rows_visible_to

MAX_BULK = 5000


class NodeSerializer(serializers.ModelSerializer):
    pod_code = serializers.CharField(source="pod.code", read_only=True)
    installed_by = serializers.CharField(source="installer.employee_id", read_only=True, default=None)

    class Meta:
        model = Node
        fields = ["id", "serial", "site", "pod_code", "installed_by", "installed_on"]


class InstallSerializer(serializers.ModelSerializer):
    install_id = serializers.CharField(source="external_id")
    pod_code = serializers.CharField(source="pod.code", read_only=True)
    installer = serializers.CharField(source="installer.employee_id", read_only=True, default=None)
    visits = serializers.SerializerMethodField()

    class Meta:
        model = Install
        fields = ["id", "install_id", "site", "pod_code", "installer", "visits"]

    def get_visits(self, install) -> list[dict]:
        return [{"visited_at": v.visited_at, "outcome": v.outcome} for v in install.visits.all()]


class IncidentSerializer(serializers.ModelSerializer):
    incident_id = serializers.CharField(source="external_id")
    node_serial = serializers.CharField(source="node.serial", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "incident_id", "node_serial", "severity", "opened_at", "resolved_at"]


class AuditSerializer(serializers.ModelSerializer):
    audit_id = serializers.CharField(source="external_id")
    pod_code = serializers.CharField(source="pod.code", read_only=True)
    installer = serializers.CharField(source="installer.employee_id", read_only=True, default=None)
    consent_record = serializers.UUIDField(
        source="consent_record_id",
        read_only=True,
        allow_null=True,
        help_text="The consent record (GET /api/v1/consent-records/) of the audited site, if the audit names one.",
    )

    class Meta:
        model = Audit
        fields = ["id", "audit_id", "pod_code", "installer", "audited_on", "passed", "findings", "consent_record"]


class RowsSerializer(serializers.Serializer):
    """One row as an object with the import file's columns, or {"rows": [...]}."""

    rows = serializers.ListField(child=serializers.DictField(), max_length=MAX_BULK, allow_empty=False)


def _as_text(value) -> str | None:
    """A JSON value as the text of a CSV cell: null is empty, numbers and
    booleans are written as text (a code or an id may come as a number);
    None for what has no text (a list, an object)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(value) if math.isfinite(value) else None
    if isinstance(value, int):
        try:
            return str(value)
        except ValueError:  # more digits than Python converts
            return None
    return value if isinstance(value, str) else None


def rows_as_text(name: str, rows) -> tuple[str, list[int]]:
    """The rows of a body as the CSV file the importer reads, and the line
    each row starts on (a value may span lines), so that the importer's
    errors can name rows. Raises ValidationError naming each row and column
    that is not an object of the file's columns with text values."""
    known = columns_of(name)
    if not isinstance(rows, list):
        raise ValidationError({"rows": ["must be a list of objects"]})
    if not rows or len(rows) > MAX_BULK:
        raise ValidationError({"rows": [f"must hold 1 to {MAX_BULK} rows"]})
    problems, records = [], []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(f"row {number}: must be an object")
            continue
        cells = {}
        for key, value in row.items():
            if not isinstance(key, str) or key not in known:
                problems.append(f"row {number}: {shown(str(key))}: unknown column; expected one of: {', '.join(known)}")
            elif (text := _as_text(value)) is None:
                problems.append(f"row {number}: {key}: must be text, a number, true/false or null")
            else:
                cells[key] = text
        records.append(cells)
    if problems:
        raise ValidationError({"rows": problems})
    # An optional column is sent only if a row names it: a body without it leaves the stored values as they are.
    named = {key for cells in records for key in cells}
    columns = COLUMNS[name] + [column for column in OPTIONAL_COLUMNS.get(name, []) if column in named]
    records = [[cells.get(column, "") for column in columns] for cells in records]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    starts, line = [], 2
    for record in records:
        position = out.tell()
        writer.writerow(record)
        out.seek(position)
        starts.append(line)
        line += len(LINE_BREAK.findall(out.read()))
    return out.getvalue(), starts


def _row_message(error: RowError, starts: list[int]) -> str:
    """An importer's error as the API names it: row 1 is the first object sent."""
    where = f"row {bisect.bisect_right(starts, error.line)}: " if error.line >= starts[0] else ""
    return f"{where}{error.reason}" if error.column == "-" else f"{where}{error.column}: {error.reason}"


class _FieldViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    file_name = ""
    pod_path = "pod"

    def get_queryset(self):
        # Field rows name installers: leads (their pods) and administrators only.
        require(policies.can_read_field_data(self.request.user))
        return field_rows_visible_to(self.request.user, self.queryset, self.pod_path)

    @extend_schema(request=RowsSerializer, responses={201: None})
    def create(self, request):
        """Create or update rows (keyed by their ids), all or nothing; errors name the row and the column."""
        # Asked before the body is read: a refusal is a 403, never a 400.
        require(policies.can_import_field_data(request.user))
        data = request.data
        rows = data["rows"] if isinstance(data, dict) and "rows" in data else [data]
        # The body's shape is checked here rather than by RowsSerializer (which
        # documents it): each value must become one CSV cell, named by row and column.
        text, starts = rows_as_text(self.file_name, rows)
        try:
            report = field_data_import(actor=request.user, files={self.file_name: text})
        except ImportRefused as refused:
            raise ValidationError({"rows": [_row_message(e, starts) for e in refused.errors]}) from refused
        label = self.file_name.removesuffix(".csv")
        return Response(
            {"created": report.created[label], "updated": report.updated[label], "unchanged": report.unchanged[label]},
            status=status.HTTP_201_CREATED,
        )


class NodeViewSet(_FieldViewSet):
    queryset = Node.objects.select_related("pod", "installer").order_by("serial")
    serializer_class = NodeSerializer
    file_name = "nodes.csv"
    filterset_fields = ["installed_on"]
    search_fields = ["serial", "site"]


class InstallViewSet(_FieldViewSet):
    queryset = Install.objects.select_related("pod", "installer").prefetch_related("visits").order_by("external_id")
    serializer_class = InstallSerializer
    file_name = "installs.csv"
    search_fields = ["external_id", "site"]


class VisitSerializer(serializers.ModelSerializer):
    install_id = serializers.CharField(source="install.external_id", read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "install_id", "visited_at", "outcome"]


class VisitViewSet(_FieldViewSet):
    queryset = Visit.objects.select_related("install").order_by("-visited_at")
    serializer_class = VisitSerializer
    file_name = "visits.csv"
    pod_path = "install__pod"
    filterset_fields = ["outcome"]


class IncidentViewSet(_FieldViewSet):
    queryset = Incident.objects.select_related("node").order_by("-opened_at")
    serializer_class = IncidentSerializer
    file_name = "incidents.csv"
    pod_path = "node__pod"
    filterset_fields = ["severity"]
    search_fields = ["external_id"]


class AuditViewSet(_FieldViewSet):
    queryset = Audit.objects.select_related("pod", "installer").order_by("-audited_on")
    serializer_class = AuditSerializer
    file_name = "audits.csv"
    filterset_fields = ["passed"]
    search_fields = ["external_id"]
