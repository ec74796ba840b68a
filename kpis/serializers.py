from rest_framework import serializers

from installer_ops import values

from .models import Grain, KpiCode, KpiJob, KpiSnapshot, Scope


class KpiQuerySerializer(serializers.Serializer):
    kpi = serializers.ChoiceField(choices=KpiCode.choices, required=False)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False, default=Scope.ORG)
    scope_id = serializers.IntegerField(required=False, min_value=1, max_value=values.BIGINT_MAX)
    grain = serializers.ChoiceField(choices=Grain.choices, required=False, default=Grain.MONTH)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("scope") != Scope.ORG and "scope_id" not in attrs:
            raise serializers.ValidationError({"scope_id": "Required for every scope but org."})
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"end": "Before start."})
        return attrs


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

    def get_scope_id(self, snapshot) -> int | None:
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
