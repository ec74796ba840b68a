"""Consent flows and records on the API (docs/architecture.md, Languages and
consent flows): the current flows a person works with, in their language;
an installer's acknowledgement; the consent records they may see, and a
record's signature. Reads through onboarding/document_selectors.py, the one
write through onboarding/document_services.py. A record is written only by
the sync endpoint (`consent.recorded`)."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops import values
from installer_ops.models import Installer

from . import document_selectors, document_services, printing
from .consent_steps import consent_steps
from .models import ConsentAcknowledgement, ConsentPhoto, DocumentVersion


class ConsentStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    needs_photo = serializers.BooleanField()


class ConsentFlowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The version's id in this language: what a consent record names as `flow`.")
    geography = serializers.IntegerField()
    geography_name = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    version = serializers.IntegerField()
    checksum = serializers.CharField()
    published_at = serializers.DateTimeField()
    steps = ConsentStepSerializer(many=True)
    html = serializers.CharField(help_text="The whole procedure as sanitised HTML, steps drawn as boxes.")
    pdf_url = serializers.CharField()
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="When the requesting installer acknowledged this version (any language)."
    )


def _flow(version: DocumentVersion, acknowledged: dict) -> dict:
    shaped = printing.copy_of(version, version)
    return {
        "id": version.pk,
        "geography": version.document.geography_id,
        "geography_name": version.document.geography.name,
        "title": version.shown_title,
        "language": version.language,
        "version": version.number,
        "checksum": version.checksum,
        "published_at": version.published_at,
        "steps": [step.as_dict() for step in consent_steps(version.body)],
        "html": shaped["html"],
        "pdf_url": shaped["pdf_url"],
        "acknowledged_at": acknowledged.get((version.document_id, version.number)),
    }


def _acknowledged(user) -> dict:
    """(document id, number) -> when the requesting installer acknowledged it."""
    rows = ConsentAcknowledgement.objects.filter(installer__user=user).values_list(
        "version__document_id", "version__number", "acknowledged_at"
    )
    return {(document_id, number): at for document_id, number, at in rows}


class ConsentFlowsView(APIView):
    """The current consent flow of each geography the requester works in, in their language, else English."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConsentFlowSerializer(many=True))
    def get(self, request):
        flows = document_selectors.consent_flows_for(request.user, get_language())
        acknowledged = _acknowledged(request.user)
        return Response(ConsentFlowSerializer([_flow(v, acknowledged) for v in flows], many=True).data)


class ConsentAcknowledgeView(APIView):
    """The installer acknowledges the current version of their geography's consent flow."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ConsentFlowSerializer)
    def post(self, request, pk: int):
        version = get_object_or_404(
            DocumentVersion.objects.select_related("document__geography"), pk=pk, document__kind="consent"
        )
        installer = Installer.objects.filter(user=request.user).select_related("pod").first()
        if installer is None or installer.pod.geography_id != version.document.geography_id:
            raise Http404  # another geography's flow is not this person's to acknowledge
        document_services.consent_acknowledge(actor=request.user, installer=installer, version=version)
        return Response(ConsentFlowSerializer(_flow(version, _acknowledged(request.user))).data)


class ConsentRecordPhotoSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    step = serializers.IntegerField()
    stored = serializers.BooleanField()
    url = serializers.CharField()


class ConsentRecordSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    installer = serializers.IntegerField(source="installer_id")
    installer_name = serializers.CharField(source="installer.name")
    install_id = serializers.CharField(source="install_ref")
    flow = serializers.IntegerField(source="version_id")
    flow_title = serializers.CharField(source="version.shown_title")
    version = serializers.IntegerField(source="version.number")
    language = serializers.CharField(source="version.language")
    steps_done = serializers.ListField(child=serializers.IntegerField())
    representative = serializers.CharField()
    complete = serializers.BooleanField()
    superseded = serializers.BooleanField(
        help_text="A newer version of the flow had been published when it was recorded."
    )
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    signature_url = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField(
        help_text="The photos declared for the steps that ask for one; `stored` is false until the tablet sent it."
    )

    def get_signature_url(self, record) -> str | None:
        return reverse("v1:api-consent-signature", args=[record.pk]) if record.signature_sha256 else None

    @extend_schema_field(ConsentRecordPhotoSerializer(many=True))
    def get_photos(self, record) -> list[dict]:
        stored = {str(photo.pk) for photo in record.photo_files.all()}
        return [
            {
                "id": photo["id"],
                "step": photo["step"],
                "stored": photo["id"] in stored,
                "url": reverse("v1:api-consent-photo", args=[record.pk, photo["id"]]),
            }
            for photo in record.photos
        ]


class ConsentRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The consent records of the installers the requester may see, newest first."""

    serializer_class = ConsentRecordSerializer

    def get_queryset(self):
        records = (
            document_selectors.consent_records_visible_to(self.request.user)
            .prefetch_related(Prefetch("photo_files", queryset=ConsentPhoto.objects.only("id", "record_id")))
            .order_by("-effective_at", "pk")
        )
        if install := self.request.query_params.get("install"):
            try:
                values.validate_no_nul(install)  # PostgreSQL refuses it in a query
            except ValidationError as exc:
                raise ValidationError({"install": exc.messages}) from exc
            records = records.filter(install_ref=install)
        if (installer := self.request.query_params.get("installer")) and installer.isdigit():
            records = records.filter(installer_id=int(installer))
        return records

    @extend_schema(
        parameters=[
            OpenApiParameter("install", str, description="Only this install's records (its install id)."),
            OpenApiParameter("installer", int, description="Only this installer's records."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class ConsentSignatureView(APIView):
    """The representative's signature of a record, as the PNG drawn on the tablet."""

    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        records = document_selectors.consent_records_visible_to(request.user).exclude(signature_sha256="")
        # Only the image's columns: the scope's select_related is dropped (a deferred
        # foreign key cannot be traversed).
        record = get_object_or_404(
            records.select_related(None).defer(None).only("signature_png", "signature_sha256"), pk=pk
        )
        response = HttpResponse(bytes(record.signature_png), content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response
