"""Translation between JSON and the organisation's records. No rules here:
input serializers check shapes and types, the services decide."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    CODE_BY_LEVEL,
    LEVEL_BY_CODE,
    LEVEL_CODES,
    Geography,
    HiringSource,
    Installer,
    Level,
    Pod,
    PodRole,
    Promotion,
    Stage,
    User,
    Vertical,
)
from .roles import role_of
from .selectors import pod_missing_roles
from .time_zones import time_zone_name_of, zone_abbreviations


@extend_schema_field({"type": "string", "enum": list(LEVEL_CODES)})
class LevelField(serializers.Field):
    """A ladder level as its code (`installer-1` ... `installer-lead`)."""

    default_error_messages = {
        "invalid": "“{value}” is not a level; use one of: {choices}.",
    }

    def to_representation(self, value):
        return CODE_BY_LEVEL[Level(value)]

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in LEVEL_BY_CODE:
            self.fail("invalid", value=data, choices=", ".join(LEVEL_BY_CODE))
        return LEVEL_BY_CODE[data]


class GeographySerializer(serializers.ModelSerializer):
    class Meta:
        model = Geography
        fields = ["id", "code", "name", "time_zone", "locale"]


class VerticalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vertical
        fields = ["id", "code", "name"]


class PodContactSerializer(serializers.Serializer):
    role = serializers.CharField()
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")
    phone = serializers.CharField()
    started_on = serializers.DateField()


class PodSerializer(serializers.ModelSerializer):
    """Read shape of a pod; expects a queryset from selectors.pods_for_listing."""

    geography = GeographySerializer(read_only=True)
    vertical = VerticalSerializer(read_only=True)
    staffed = serializers.SerializerMethodField()
    missing_roles = serializers.SerializerMethodField()
    contacts = PodContactSerializer(source="active_memberships", many=True, read_only=True)
    headcount = serializers.SerializerMethodField()

    class Meta:
        model = Pod
        fields = ["id", "code", "name", "geography", "vertical", "staffed", "missing_roles", "contacts", "headcount"]

    def get_staffed(self, pod) -> bool:
        return not pod_missing_roles(pod)

    def get_missing_roles(self, pod) -> list[str]:
        return [role.value for role in pod_missing_roles(pod)]

    def get_headcount(self, pod) -> dict[str, int]:
        return {stage: getattr(pod, f"count_{stage}", 0) for stage in Stage.values}


class PodWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pod
        fields = ["code", "name", "vertical", "geography"]


class PodRoleAssignSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=PodRole.choices)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    started_on = serializers.DateField()
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")


class PromotionSerializer(serializers.ModelSerializer):
    from_level = LevelField()
    to_level = LevelField()
    recorded_by = serializers.CharField(source="recorded_by.get_full_name", default=None, read_only=True)

    class Meta:
        model = Promotion
        fields = ["id", "from_level", "to_level", "effective_on", "recorded_by", "recorded_at"]


class InstallerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    pod = serializers.PrimaryKeyRelatedField(read_only=True)
    pod_code = serializers.CharField(source="pod.code", read_only=True)
    level = LevelField(read_only=True)
    # Declared: a read-only model field loses allow_blank, and the schema would deny "".
    hiring_source = serializers.ChoiceField(choices=HiringSource.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Installer
        fields = [
            "id",
            "employee_id",
            "name",
            "username",
            "email",
            "pod",
            "pod_code",
            "level",
            "stage",
            "hired_on",
            "hiring_source",
            "left_on",
            "left_voluntarily",
        ]
        read_only_fields = fields


class InstallerDetailSerializer(InstallerSerializer):
    promotions = PromotionSerializer(many=True, read_only=True)

    class Meta(InstallerSerializer.Meta):
        fields = [*InstallerSerializer.Meta.fields, "promotions"]
        read_only_fields = fields


class InstallerHireSerializer(serializers.Serializer):
    employee_id = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    # The queryset is narrowed to the pods the requester may staff (see the view).
    pod = serializers.PrimaryKeyRelatedField(queryset=Pod.objects.none())
    level = LevelField(required=False, default=Level.INSTALLER_1)
    hired_on = serializers.DateField()
    hiring_source = serializers.ChoiceField(choices=HiringSource.choices, required=False, allow_blank=True, default="")

    def __init__(self, *args, pods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pods is not None:
            self.fields["pod"].queryset = pods


class PromoteSerializer(serializers.Serializer):
    to_level = LevelField()
    effective_on = serializers.DateField()


class SeparateSerializer(serializers.Serializer):
    left_on = serializers.DateField()
    voluntary = serializers.BooleanField()


class TimeZoneSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The IANA zone the person reads times in (their geography's).")
    abbreviations = serializers.DictField(
        child=serializers.CharField(),
        help_text='The zone\'s abbreviation by UTC offset, as pages print it: {"+01:00": "CET"}.',
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    role = serializers.SerializerMethodField()
    installer = serializers.SerializerMethodField()
    # The tablet app shows times as the pages do: in this zone, named by its abbreviation.
    time_zone = serializers.SerializerMethodField()

    def get_role(self, user) -> str | None:
        role = role_of(user)
        return role.value if role else None

    def get_installer(self, user) -> dict | None:
        installer = self.context.get("installer")
        return InstallerSerializer(installer).data if installer else None

    @extend_schema_field(TimeZoneSerializer)
    def get_time_zone(self, user) -> dict:
        name = time_zone_name_of(user)
        return {"name": name, "abbreviations": zone_abbreviations(name)}
