"""Field data API for monitoring and ticketing systems: list (scoped by role)
and create, one row or many. Creation goes through the importer, so the
rules, the all-or-nothing behaviour and the errors are the import's."""

import csv
import io

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from installer_ops.policies import require

from . import policies
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

    class Meta:
        model = Audit
        fields = ["id", "audit_id", "pod_code", "installer", "audited_on", "passed", "findings"]


class RowsSerializer(serializers.Serializer):
    """One row as an object with the import file's columns, or {"rows": [...]}."""

    rows = serializers.ListField(child=serializers.DictField(), max_length=MAX_BULK, allow_empty=False)


def _to_csv(name: str, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[name], extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v for k, v in row.items()})
    return out.getvalue()


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
        rows = request.data.get("rows") if isinstance(request.data, dict) and "rows" in request.data else [request.data]
        body = RowsSerializer(data={"rows": rows})
        body.is_valid(raise_exception=True)
        try:
            files = {self.file_name: _to_csv(self.file_name, body.validated_data["rows"])}
        except ValueError as exc:
            raise ValidationError({"rows": [f"unknown field: {exc}"]}) from exc
        try:
            report = field_data_import(actor=request.user, files=files)
        except ImportRefused as refused:
            # Row numbers count from 1 for the first object sent (line 2 of the file).
            raise ValidationError(
                {
                    "rows": [
                        f"row {e.line - 1}: {e.column}: {e.reason}" if e.line > 1 else f"{e.column}: {e.reason}"
                        for e in refused.errors
                    ]
                }
            ) from refused
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
