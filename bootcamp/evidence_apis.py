"""Evidence photos over HTTP (docs/architecture.md, Evidence and field
sign-off): the tablet PUTs a photo under the id it made for it, with the
item.checked event it belongs to; whoever may see the enrollment GETs it back.

The view reads the request and translates the service's answer into HTTP;
the rules (size, type, whose event, once per id) are the service's
(bootcamp/services/evidence.py) and the policies' (bootcamp/policies.py)."""

import uuid

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops import values

from . import policies
from .models import MAX_EVIDENCE_BYTES, CheckoffEvent, EvidenceType
from .serializers import EvidenceSerializer
from .services.evidence import EvidenceNotAnImage, EvidenceTooLarge, evidence_store

# Photos never change (a new photo has a new id), so the browser may keep
# one a day; "private": never a shared cache.
CACHE_CONTROL = "private, max-age=86400"
_READ_CHUNK = 64 * 1024


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class NotAnImage(APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_media_type"


class EvidenceProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(_("A photo may be at most %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)})


def content_length(meta) -> int | None:
    """The declared body length, or None when the request has none (a
    chunked body) or it is not a number."""
    raw = str(meta.get("CONTENT_LENGTH") or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def _read_at_most(read, limit: int) -> bytes:
    """Up to `limit` bytes: a socket's read may answer with fewer than asked."""
    chunks, size = [], 0
    while size < limit:
        chunk = read(min(_READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def photo_body(request) -> bytes:
    """The image bytes, read from the stream and never more than one byte
    past the limit: request.body would refuse anything over Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and a client that sends no
    Content-Length (chunked) must not be able to make us read without end."""
    django_request = request._request
    declared = content_length(django_request.META)
    if declared is not None:
        data = _read_at_most(django_request.read, MAX_EVIDENCE_BYTES + 1)
        if len(data) < declared:
            # The connection was cut half-way and the stream ended early.
            # Pillow reads only the header, so a cut JPEG would pass as a
            # photo, and the tablet's whole retry would then be a 409.
            message = _("The photo arrived incomplete (%(got)s of %(declared)s bytes).")
            raise ValidationError({"body": [message % {"got": len(data), "declared": declared}]})
    elif django_request.META.get("wsgi.input_terminated"):
        # Chunked: Django reads such a body as empty (no length); the server
        # (gunicorn) ends wsgi.input at the body's end, so it is read directly.
        data = _read_at_most(django_request.META["wsgi.input"].read, MAX_EVIDENCE_BYTES + 1)
    else:
        data = b""
    if len(data) > MAX_EVIDENCE_BYTES:
        raise too_large()
    return data


def _event_id(request) -> uuid.UUID:
    raw = request.headers.get("X-Event-Id", "").strip()
    if not raw:
        raise ValidationError({"X-Event-Id": [_("Name the item.checked event the photo belongs to.")]})
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"X-Event-Id": [_("Is not a UUID.")]}) from None


def taken_at_header(request):
    raw = request.headers.get("X-Taken-At", "").strip()
    if not raw:
        return None
    parsed, problem = values.parse_iso_datetime(raw)
    problem = problem or values.device_time_problem(parsed)
    if problem:
        raise ValidationError({"X-Taken-At": [problem]})
    return parsed


def problem_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(EvidenceProblemSerializer, description=description)


_IMAGE_BODY = dict.fromkeys(EvidenceType.values, OpenApiTypes.BINARY)
_EVIDENCE_ID = OpenApiParameter("evidence_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class EvidenceView(APIView):
    """One evidence photo, by the id the tablet made for it."""

    @extend_schema(
        operation_id="evidence_store",
        request=_IMAGE_BODY,
        parameters=[
            _EVIDENCE_ID,
            OpenApiParameter(
                "X-Event-Id",
                OpenApiTypes.UUID,
                OpenApiParameter.HEADER,
                required=True,
                description="The item.checked event (of yours) the photo was taken with.",
            ),
            OpenApiParameter(
                "X-Taken-At",
                OpenApiTypes.DATETIME,
                OpenApiParameter.HEADER,
                description="When the photo was taken (ISO 8601); the event's time when absent.",
            ),
        ],
        responses={
            201: OpenApiResponse(EvidenceSerializer, description="Stored."),
            200: OpenApiResponse(EvidenceSerializer, description="Stored already: same id, same bytes."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad header or field, with its messages."),
            404: problem_response("The event is unknown or not yours."),
            409: problem_response("Same id with other bytes, the enrollment closed, or too many photos."),
            413: problem_response("Over 5 MB."),
            415: problem_response("Not a JPEG, PNG or WebP image, or not the type it was sent as."),
        },
    )
    def put(self, request, evidence_id: uuid.UUID):
        """Store a photo of one of your check-offs, once: the body is the
        image, Content-Type its type. Retrying with the same id and bytes
        answers 200 and changes nothing."""
        length = content_length(request._request.META)
        if length is not None and length > MAX_EVIDENCE_BYTES:
            raise too_large()  # before a byte is read
        event_id, taken_at = _event_id(request), taken_at_header(request)
        event = (
            policies.events_taking_evidence_of(request.user)
            .select_related("enrollment", "item")
            .filter(pk=event_id)
            .first()
        )
        if event is None:
            raise NotFound(_("No check-off of yours has this id."))
        data = photo_body(request)
        try:
            stored = evidence_store(
                actor=request.user,
                evidence_id=evidence_id,
                event=event,
                content_type=request._request.content_type or "",  # the type without its parameters
                data=data,
                taken_at=taken_at,
            )
        except EvidenceTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from exc
        except EvidenceNotAnImage as exc:
            raise NotAnImage(str(exc)) from exc
        except CheckoffEvent.DoesNotExist as exc:
            raise NotFound(_("No check-off of yours has this id.")) from exc
        # DomainConflict (409) and ValidationError (400) go through the API's
        # one exception handler (installer_ops/exceptions.py).
        return Response(
            EvidenceSerializer(stored.evidence).data,
            status=status.HTTP_201_CREATED if stored.created else status.HTTP_200_OK,
        )

    @extend_schema(
        operation_id="evidence_read",
        parameters=[_EVIDENCE_ID],
        responses={
            **{(200, content_type): OpenApiTypes.BINARY for content_type in EvidenceType.values},
            404: problem_response("No such photo, or not one you may see."),
        },
    )
    def get(self, request, evidence_id: uuid.UUID):
        """The photo's bytes, to whoever may see its enrollment (the
        installer, their pod's lead, administrators); anyone else: 404."""
        evidence = policies.evidence_visible_to(request.user).filter(pk=evidence_id).first()
        if evidence is None:
            raise NotFound(_("No such photo."))
        return photo_file_response(evidence)


def photo_file_response(photo) -> FileResponse:
    """A stored photo's bytes (an evidence photo, a consent step's photo):
    its own type, never sniffed, kept a day by this browser only."""
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=photo.content_type)
    response["Content-Length"] = str(photo.size)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
