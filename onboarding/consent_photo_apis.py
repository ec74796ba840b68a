"""A consent record's step photos over HTTP: the tablet PUTs each photo the
record declared, under the id it made for it, once the record is stored;
whoever may see the record GETs it back. The body is read and answered as
an evidence photo's is (bootcamp/evidence_apis.py); the rules are
onboarding/consent_photos.py's and onboarding/policies.py's."""

import uuid

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from bootcamp.evidence_apis import (
    NotAnImage,
    PayloadTooLarge,
    content_length,
    photo_body,
    photo_file_response,
    problem_response,
    taken_at_header,
    too_large,
)
from bootcamp.models import MAX_EVIDENCE_BYTES, EvidenceType
from bootcamp.services.evidence import EvidenceNotAnImage, EvidenceTooLarge

from . import document_selectors, policies
from .consent_photos import PhotoNotDeclared, consent_photo_store
from .models import ConsentPhoto, ConsentRecord


class ConsentPhotoSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    record = serializers.UUIDField(source="record_id")
    step = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    taken_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()


_IDS = [
    OpenApiParameter("pk", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The consent record's id."),
    OpenApiParameter("photo_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The photo's id."),
]


class ConsentPhotoView(APIView):
    """One photo of a consent record's step, by the id the tablet declared for it."""

    @extend_schema(
        operation_id="consent_photo_store",
        request=dict.fromkeys(EvidenceType.values, OpenApiTypes.BINARY),
        parameters=[
            *_IDS,
            OpenApiParameter(
                "X-Taken-At",
                OpenApiTypes.DATETIME,
                OpenApiParameter.HEADER,
                description="When the photo was taken (ISO 8601); the record's time when absent.",
            ),
        ],
        responses={
            201: OpenApiResponse(ConsentPhotoSerializer, description="Stored."),
            200: OpenApiResponse(ConsentPhotoSerializer, description="Stored already: same id, same bytes."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad header, with its messages."),
            404: problem_response("The record is unknown or not yours, or declares no photo with this id."),
            409: problem_response("Same id with other bytes."),
            413: problem_response("Over 5 MB."),
            415: problem_response("Not a JPEG, PNG or WebP image, or not the type it was sent as."),
        },
    )
    def put(self, request, pk: uuid.UUID, photo_id: uuid.UUID):
        """Store a photo your consent record declared, once: the body is the
        image, Content-Type its type. Retrying with the same id and bytes
        answers 200 and changes nothing."""
        length = content_length(request._request.META)
        if length is not None and length > MAX_EVIDENCE_BYTES:
            raise too_large()  # before a byte is read
        taken_at = taken_at_header(request)
        record = (
            policies.consent_records_taking_photos_of(request.user).select_related("installer").filter(pk=pk).first()
        )
        if record is None:
            raise NotFound(_("No consent record of yours has this id."))
        data = photo_body(request)
        try:
            stored = consent_photo_store(
                actor=request.user,
                record=record,
                photo_id=photo_id,
                content_type=request._request.content_type or "",
                data=data,
                taken_at=taken_at,
            )
        except EvidenceTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from exc
        except EvidenceNotAnImage as exc:
            raise NotAnImage(str(exc)) from exc
        except PhotoNotDeclared as exc:
            raise NotFound(str(exc)) from exc
        except ConsentRecord.DoesNotExist as exc:
            raise NotFound(_("No consent record of yours has this id.")) from exc
        return Response(
            ConsentPhotoSerializer(stored.photo).data,
            status=status.HTTP_201_CREATED if stored.created else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="consent_photo_read",
        parameters=_IDS,
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in EvidenceType.values},
            404: problem_response("No such photo, or not one you may see."),
        },
    )
    def get(self, request, pk: uuid.UUID, photo_id: uuid.UUID):
        """The photo's bytes, to whoever may see its record (the installer,
        their pod's lead, administrators); anyone else: 404."""
        records = document_selectors.consent_records_visible_to(request.user)
        photo = ConsentPhoto.objects.filter(pk=photo_id, record_id=pk, record__in=records.values("pk")).first()
        if photo is None:
            raise NotFound(_("No such photo."))
        return photo_file_response(photo)
