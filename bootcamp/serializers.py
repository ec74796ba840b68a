from rest_framework import serializers

from installer_ops import values
from installer_ops.models import Installer, Pod

from .evidence_selectors import evidence_url
from .models import MAX_COHORT_CAPACITY, MAX_WORKING_DAYS, ItemKind, ProgramVersion


class EvidenceRowSerializer(serializers.Serializer):
    """A photo beside an item (bootcamp/evidence_selectors.py: evidence_rows_for)."""

    id = serializers.UUIDField()
    url = serializers.CharField(help_text="GET it for the image bytes (GET /api/v1/evidence/{id}).")
    taken_at = serializers.DateTimeField()


class EvidenceSerializer(serializers.Serializer):
    """A stored photo: the answer of PUT /api/v1/evidence/{id}."""

    id = serializers.UUIDField()
    url = serializers.SerializerMethodField(help_text="Where the image is served, to those who may see the enrollment.")
    taken_at = serializers.DateTimeField()
    event = serializers.UUIDField(source="event_id", help_text="The item.checked event the photo belongs to.")
    size = serializers.IntegerField(help_text="In bytes.")

    def get_url(self, evidence) -> str:
        return evidence_url(evidence.pk)


class ItemStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    needs_signoff = serializers.BooleanField()
    needs_evidence = serializers.BooleanField()
    description = serializers.CharField(allow_blank=True, help_text="The item's instructions, plain text.")
    checked = serializers.BooleanField()
    signed_off = serializers.BooleanField()
    rejection_comment = serializers.CharField(allow_blank=True)
    checked_event = serializers.UUIDField(
        allow_null=True, help_text="The item.checked event the current check rests on: a photo must belong to it."
    )
    awaiting_evidence = serializers.BooleanField(help_text="Checked, and the photo it needs has not arrived yet.")
    evidence = EvidenceRowSerializer(many=True, help_text="The photos of the current check (checked_event).")


class ModuleStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField()
    complete = serializers.BooleanField()
    waiting_for_signoff = serializers.BooleanField(
        help_text="Not complete, and every open item is checked and waits for the lead's sign-off."
    )
    items = ItemStateSerializer(many=True)


class EnrollmentStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    installer = serializers.IntegerField()
    cohort = serializers.IntegerField()
    progress = serializers.FloatField()
    modules = ModuleStateSerializer(many=True)


class SignoffRequestSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=values.BIGINT_MAX)
    action = serializers.ChoiceField(choices=["sign_off", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=[c[0] for c in ItemKind.choices], default=ItemKind.TASK)
    needs_signoff = serializers.BooleanField(default=False)
    needs_evidence = serializers.BooleanField(default=False)
    description = serializers.CharField(allow_blank=True, default="")


class ModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200)
    first_day = serializers.IntegerField(min_value=1, max_value=MAX_WORKING_DAYS)
    last_day = serializers.IntegerField(min_value=1, max_value=MAX_WORKING_DAYS)
    items = ItemSerializer(many=True)


class ProgramVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    working_days = serializers.IntegerField(min_value=1, max_value=MAX_WORKING_DAYS)
    modules = ModuleSerializer(many=True)


class ProgramVersionCreateSerializer(ProgramVersionSerializer):
    publish = serializers.BooleanField(default=False, write_only=True)


class ProgramSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    versions = ProgramVersionSerializer(many=True)


class CohortSerializer(serializers.Serializer):
    """A cohort with its summary (selectors.CohortSummary)."""

    id = serializers.IntegerField(source="cohort.id")
    name = serializers.CharField(source="cohort.name")
    program_version = serializers.IntegerField(source="cohort.program_version_id")
    program_title = serializers.CharField(source="cohort.program_version.program.title")
    version_number = serializers.IntegerField(source="cohort.program_version.number")
    start_on = serializers.DateField(source="cohort.start_on")
    ends_on = serializers.DateField()
    lead = serializers.IntegerField(source="cohort.lead_id")
    pods = serializers.SerializerMethodField()
    capacity = serializers.IntegerField(source="cohort.capacity")
    status = serializers.ChoiceField(choices=["planned", "running", "completed"])
    enrolled = serializers.IntegerField()
    progress = serializers.FloatField()
    overdue = serializers.IntegerField()
    awaiting_signoff = serializers.IntegerField()

    def get_pods(self, summary) -> list[int]:
        return [pod.pk for pod in summary.cohort.pods.all()]


class CohortCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    program_version = serializers.PrimaryKeyRelatedField(queryset=ProgramVersion.objects.all())
    start_on = serializers.DateField()
    pods = serializers.PrimaryKeyRelatedField(queryset=Pod.objects.none(), many=True, allow_empty=False)
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_COHORT_CAPACITY, default=12)

    def __init__(self, *args, pods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pods is not None:
            self.fields["pods"].child_relation.queryset = pods


class BulkEnrollSerializer(serializers.Serializer):
    installers = serializers.PrimaryKeyRelatedField(queryset=Installer.objects.none(), many=True, allow_empty=False)

    def __init__(self, *args, installers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if installers is not None:
            self.fields["installers"].child_relation.queryset = installers
