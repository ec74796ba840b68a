from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from installer_ops import values

from .models import Grain, KpiCode, KpiJob, KpiSnapshot, Scope
from .sources import SOURCE_BY_ID, api_code, id_of_code

SCOPE_ID_HELP = "The scope's id; for scope source, the source's code (maker-community, referral, ...)."
SCOPE_ID_SCHEMA = {"oneOf": [{"type": "integer"}, {"type": "string"}], "nullable": True, "description": SCOPE_ID_HELP}


class KpiQuerySerializer(serializers.Serializer):
    kpi = serializers.ChoiceField(choices=KpiCode.choices, required=False)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False, default=Scope.ORG)
    # A number, or a hiring source's code: checked against the scope in validate().
    scope_id = serializers.CharField(required=False, max_length=40, help_text=SCOPE_ID_HELP)
    grain = serializers.ChoiceField(choices=Grain.choices, required=False, default=Grain.MONTH)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("scope") != Scope.ORG and "scope_id" not in attrs:
            raise serializers.ValidationError({"scope_id": "Required for every scope but org."})
        if "scope_id" in attrs:
            attrs["scope_id"] = self._scope_id(attrs.get("scope"), attrs["scope_id"])
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": "Before start."})
        return attrs

    @staticmethod
    def _scope_id(scope: str, raw: str) -> int:
        if scope == Scope.SOURCE:
            number = id_of_code(raw)
            if number is None:
                codes = ", ".join(api_code(n) for n in SOURCE_BY_ID)
                raise serializers.ValidationError({"scope_id": f"Not a hiring source; one of {codes}."})
            return number
        try:
            number = int(raw)
        except ValueError as exc:
            raise serializers.ValidationError({"scope_id": "A valid integer is required."}) from exc
        if not 1 <= number <= values.BIGINT_MAX:
            raise serializers.ValidationError({"scope_id": f"Between 1 and {values.BIGINT_MAX}."})
        return number


class KpiSnapshotSerializer(serializers.ModelSerializer):
    scope_id = serializers.SerializerMethodField()

    class Meta:
        model = KpiSnapshot
        fields = [
            "kpi",
            "scope",
            "scope_id",
            "grain",
            "period_start",
            "period_end",
            "value",
            "numerator",
            "denominator",
            "provisional",
            "details",
            "computed_at",
        ]

    @extend_schema_field(SCOPE_ID_SCHEMA)
    def get_scope_id(self, snapshot):
        if snapshot.scope == Scope.SOURCE:
            return api_code(snapshot.scope_id)  # as the hiring API names sources
        return snapshot.scope_id or None  # none for the organisation


class RecomputeSerializer(serializers.Serializer):
    since = serializers.DateField()
    until = serializers.DateField()
    grains = serializers.ListField(
        child=serializers.ChoiceField(choices=Grain.choices), required=False, allow_empty=False
    )


class KpiJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiJob
        fields = [
            "id",
            "since",
            "until",
            "grains",
            "status",
            "progress",
            "written",
            "error",
            "created_at",
            "finished_at",
        ]
