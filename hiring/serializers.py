"""Translation between JSON and hiring's records (docs/architecture.md, API
surface). No rules here: input serializers check shapes and types, the
services decide. Sources travel as the API's codes (`maker-community`)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from installer_ops.models import Level, Pod, User
from installer_ops.serializers import LevelField

from .models import (
    DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    SOURCE_API_CODES,
    SOURCE_BY_CODE,
    SOURCE_CODES,
    Candidate,
    CandidateStage,
    Recommendation,
    Requisition,
    RequisitionRole,
    RequisitionStatus,
    RubricMinimums,
    Scorecard,
    ScreeningTask,
    TaskKind,
)
from .services.requisitions import REASON_MAX_LENGTH


@extend_schema_field({"type": "string", "enum": list(SOURCE_API_CODES)})
class SourceField(serializers.Field):
    """A hiring source as its code (`maker-community` ... `other`)."""

    default_error_messages = {"invalid": gettext_lazy("“{value}” is not a source; use one of: {choices}.")}

    def to_representation(self, value):
        return SOURCE_CODES.get(value, value)

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in SOURCE_BY_CODE:
            self.fail("invalid", value=data, choices=", ".join(SOURCE_BY_CODE))
        return SOURCE_BY_CODE[data]


class RequisitionSerializer(serializers.ModelSerializer):
    pod_code = serializers.CharField(source="pod.code", read_only=True)
    level = LevelField(read_only=True)
    role = serializers.ChoiceField(choices=RequisitionRole.choices, read_only=True)
    status = serializers.ChoiceField(choices=RequisitionStatus.choices, read_only=True)

    class Meta:
        model = Requisition
        fields = ["id", "pod", "pod_code", "role", "level", "opened_on", "fill_by", "status", "filled_by"]
        read_only_fields = fields


class RequisitionCreateSerializer(serializers.Serializer):
    # Narrowed to the pods the requester may open requisitions in (see the view).
    pod = serializers.PrimaryKeyRelatedField(queryset=Pod.objects.none())
    role = serializers.ChoiceField(choices=RequisitionRole.choices)
    level = LevelField(required=False, default=Level.INSTALLER_1)
    opened_on = serializers.DateField(required=False)
    fill_by = serializers.DateField()

    def __init__(self, *args, pods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pods is not None:
            self.fields["pod"].queryset = pods


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH, default="")


class CandidateSerializer(serializers.ModelSerializer):
    source = SourceField(read_only=True)
    stage = serializers.ChoiceField(choices=CandidateStage.choices, read_only=True)
    interviewers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id",
            "name",
            "email",
            "source",
            "requisition",
            "stage",
            "applied_on",
            "stage_changed_at",
            "interviewers",
            "installer",
        ]
        read_only_fields = fields


class InterviewersSerializer(serializers.Serializer):
    # Narrowed to the logins that may interview (hiring.policies.interviewers_available).
    interviewers = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.none())

    def __init__(self, *args, interviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interviewers is not None:
            self.fields["interviewers"].child_relation.queryset = interviewers


class CandidateCreateSerializer(InterviewersSerializer):
    # Narrowed to the requisitions the requester runs (see the view).
    requisition = serializers.PrimaryKeyRelatedField(queryset=Requisition.objects.none())
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField(max_length=254)
    source = SourceField()
    applied_on = serializers.DateField(required=False)
    interviewers = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.none(), required=False)

    def __init__(self, *args, requisitions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if requisitions is not None:
            self.fields["requisition"].queryset = requisitions


class StageMoveSerializer(ReasonSerializer):
    stage = serializers.ChoiceField(choices=CandidateStage.choices)


class ScoresSerializer(serializers.Serializer):
    field_problem_solving = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    customer_empathy = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    security_hygiene = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)

    def to_representation(self, scorecard):
        return {d: getattr(scorecard, d) for d in DIMENSIONS}


class ScorecardCreateSerializer(serializers.Serializer):
    # Every task of the library: the service says so when a task is no longer in use.
    task = serializers.SlugRelatedField(slug_field="slug", queryset=ScreeningTask.objects.all())
    scores = ScoresSerializer()
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)


class ScorecardSerializer(serializers.ModelSerializer):
    task = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    task_title = serializers.CharField(source="task.title", read_only=True)
    interviewer_name = serializers.CharField(source="interviewer.get_full_name", read_only=True)
    scores = ScoresSerializer(source="*", read_only=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices, read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "candidate",
            "task",
            "task_title",
            "interviewer",
            "interviewer_name",
            "scores",
            "notes",
            "recommendation",
            "created_at",
        ]
        read_only_fields = fields


class HireSerializer(serializers.Serializer):
    employee_id = serializers.CharField(max_length=40)
    start_on = serializers.DateField()
    # The requisition's level when absent.
    level = LevelField(required=False)


class ShortfallSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()


class HireRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    details = ShortfallSerializer(many=True)


class AnchorSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    description = serializers.CharField()


class DimensionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[(d, d) for d in DIMENSIONS])
    label = serializers.CharField()
    anchors = AnchorSerializer(many=True)


class ScreeningTaskSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=TaskKind.choices, read_only=True)

    class Meta:
        model = ScreeningTask
        fields = ["slug", "title", "kind", "what_to_look_for"]
        read_only_fields = fields


class MinimumsSerializer(serializers.ModelSerializer):
    field_problem_solving = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=SCORE_MIN, max_value=SCORE_MAX, coerce_to_string=False
    )
    customer_empathy = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=SCORE_MIN, max_value=SCORE_MAX, coerce_to_string=False
    )
    security_hygiene = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=SCORE_MIN, max_value=SCORE_MAX, coerce_to_string=False
    )
    min_scorecards = serializers.IntegerField(min_value=1, max_value=20)
    # Declared: the model's default would make it optional, and a PUT sets every minimum.
    require_failure_scenario = serializers.BooleanField()

    class Meta:
        model = RubricMinimums
        fields = [
            "field_problem_solving",
            "customer_empathy",
            "security_hygiene",
            "min_scorecards",
            "require_failure_scenario",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class RubricSerializer(serializers.Serializer):
    dimensions = DimensionSerializer(many=True)
    tasks = ScreeningTaskSerializer(many=True)
    minimums = MinimumsSerializer()


class SourceCountSerializer(serializers.Serializer):
    source = SourceField()
    total = serializers.IntegerField()
    stages = serializers.DictField(child=serializers.IntegerField())


class OpenRequisitionCountSerializer(serializers.Serializer):
    pod = serializers.IntegerField()
    pod_code = serializers.CharField()
    pod_name = serializers.CharField()
    role = serializers.ChoiceField(choices=RequisitionRole.choices)
    count = serializers.IntegerField()


class HiringSummarySerializer(serializers.Serializer):
    """Counts only: no candidate's name or email (executives read this)."""

    candidates = serializers.IntegerField()
    stages = serializers.DictField(child=serializers.IntegerField())
    sources = SourceCountSerializer(many=True)
    requisitions = serializers.DictField(child=serializers.IntegerField())
    open_requisitions = OpenRequisitionCountSerializer(many=True)
