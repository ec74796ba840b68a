"""JSON shapes of onboarding. Input serializers check shapes; services decide."""

from django.urls import reverse
from rest_framework import serializers

from installer_ops import values
from installer_ops.api_fields import IsoDateTimeField
from installer_ops.models import Installer

from .models import ConfigProfile, Day1Kit, DocumentVersion, DrillScenario, OutageDrill, ShadowAssignment, ShadowDay


class RequirementSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["bootcamp", "kit", "shadow", "drill", "consent"])
    label = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField()


class ClearanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    installer = serializers.IntegerField(source="installer_id")
    cleared_by = serializers.CharField(source="cleared_by.get_full_name")
    cleared_at = serializers.DateTimeField()
    valid_until = serializers.DateField()


class ReadinessSerializer(serializers.Serializer):
    installer = serializers.IntegerField(source="installer.pk")
    ready = serializers.BooleanField()
    requirements = RequirementSerializer(many=True)
    clearance = ClearanceSerializer(allow_null=True)
    clearance_expiring = serializers.BooleanField(source="expiring")


class UnmetSerializer(serializers.Serializer):
    detail = serializers.CharField()
    details = RequirementSerializer(many=True)


class DocumentVersionSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="number")
    print_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["id", "version", "checksum", "published_at", "print_url", "pdf_url"]

    def get_print_url(self, version) -> str:
        return reverse("runbook-print", args=[version.document.slug, version.number])

    def get_pdf_url(self, version) -> str:
        return reverse("runbook-pdf", args=[version.document.slug, version.number])


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    versions = DocumentVersionSerializer(many=True)


class DocumentPublishSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False)


class KitSerializer(serializers.ModelSerializer):
    runbook_version = serializers.IntegerField(source="runbook_version.number")
    playbook_version = serializers.IntegerField(source="playbook_version.number")
    profile = serializers.CharField(source="profile.__str__")
    profile_sha256 = serializers.CharField(source="profile.sha256")
    needs_reprint = serializers.SerializerMethodField()

    class Meta:
        model = Day1Kit
        fields = [
            "id",
            "installer",
            "device_serial",
            "profile",
            "profile_sha256",
            "runbook_version",
            "playbook_version",
            "runbook_acknowledged_at",
            "playbook_acknowledged_at",
            "issued_at",
            "needs_reprint",
        ]

    def get_needs_reprint(self, kit) -> bool:
        return kit.reprint_needed_since is not None


class KitIssueSerializer(serializers.Serializer):
    installer = serializers.PrimaryKeyRelatedField(queryset=Installer.objects.none())
    device_serial = serializers.CharField(max_length=64)
    profile = serializers.PrimaryKeyRelatedField(queryset=ConfigProfile.objects.all())

    def __init__(self, *args, installers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if installers is not None:
            self.fields["installer"].queryset = installers


class AcknowledgeSerializer(serializers.Serializer):
    version = serializers.PrimaryKeyRelatedField(queryset=DocumentVersion.objects.all())


class ShadowAssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ShadowAssignment
        fields = ["id", "installer", "mentor", "assigned_at"]


class ShadowAssignSerializer(serializers.Serializer):
    # Both read as unknown outside the caller's scope, like a missing id.
    installer = serializers.PrimaryKeyRelatedField(queryset=Installer.objects.none())
    mentor = serializers.PrimaryKeyRelatedField(queryset=Installer.objects.none())

    def __init__(self, *args, installers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if installers is not None:
            self.fields["installer"].queryset = installers
            self.fields["mentor"].queryset = installers


class ShadowDaySerializer(serializers.ModelSerializer):
    installer = serializers.IntegerField(source="assignment.installer_id", read_only=True)
    installer_name = serializers.CharField(source="assignment.installer.name", read_only=True)
    mentor_name = serializers.CharField(source="assignment.mentor.name", read_only=True)
    to_confirm = serializers.SerializerMethodField()

    class Meta:
        model = ShadowDay
        fields = [
            "id",
            "assignment",
            "day",
            "site",
            "notes",
            "confirmed_at",
            "installer",
            "installer_name",
            "mentor_name",
            "to_confirm",
        ]
        read_only_fields = ["id", "confirmed_at"]

    def get_to_confirm(self, day) -> bool:
        """Whether the requester is this day's mentor and has not confirmed it yet."""
        request = self.context.get("request")
        return bool(request and day.confirmed_at is None and day.assignment.mentor.user_id == request.user.pk)


class DrillSerializer(serializers.ModelSerializer):
    scenario_title = serializers.CharField(source="scenario.title", read_only=True)

    class Meta:
        model = OutageDrill
        fields = [
            "id",
            "installer",
            "scenario",
            "scenario_title",
            "scheduled_for",
            "outcome",
            "attempt",
            "minutes_to_recover",
            "notes",
            "completed_at",
        ]
        read_only_fields = ["id", "outcome", "attempt", "minutes_to_recover", "notes", "completed_at"]


class DrillScheduleSerializer(serializers.Serializer):
    installer = serializers.PrimaryKeyRelatedField(queryset=Installer.objects.none())
    scenario = serializers.PrimaryKeyRelatedField(queryset=DrillScenario.objects.filter(active=True))
    scheduled_for = IsoDateTimeField()

    def __init__(self, *args, installers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if installers is not None:
            self.fields["installer"].queryset = installers


class DrillResultSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    minutes_to_recover = serializers.IntegerField(
        min_value=0, max_value=values.INT_MAX, required=False, allow_null=True, default=None
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentCopySerializer(serializers.Serializer):
    """A published version of a runbook or playbook, its body as sanitised
    HTML for the tablet to keep (a kit's copy, or the current version)."""

    version_id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    language = serializers.CharField(help_text="The language of the text shown (the reader's, else English).")
    checksum = serializers.CharField()
    published_at = serializers.DateTimeField()
    html = serializers.CharField()
    pdf_url = serializers.CharField()


class KitCopySerializer(DocumentCopySerializer):
    """One of the kit's offline copies, and whether its holder acknowledged it."""

    acknowledged_at = serializers.DateTimeField(allow_null=True)
