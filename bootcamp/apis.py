from dataclasses import asdict

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Item
from .serializers import (
    EnrollmentStateSerializer,
    SignoffRequestSerializer,
    SyncRequestSerializer,
    SyncResponseSerializer,
)


class SyncView(APIView):
    """The tablet's outbox drains here: the only way check-offs enter the system."""

    @extend_schema(request=SyncRequestSerializer, responses=SyncResponseSerializer)
    def post(self, request):
        serializer = SyncRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = services.sync_batch_apply(
            user=request.user,
            device_id=serializer.validated_data["device_id"],
            events=serializer.validated_data["events"],
        )
        enrollments = list(selectors.enrollments_visible_to(request.user).filter(pk__in=outcome.enrollment_ids))
        body = {
            "results": [asdict(result) for result in outcome.results],
            "server_time": outcome.server_time,
            "enrollments": selectors.enrollment_states(enrollments),
        }
        return Response(SyncResponseSerializer(body).data)


class EnrollmentSignoffView(APIView):
    """The cohort's lead signs off a checked item or rejects it with a comment."""

    @extend_schema(request=SignoffRequestSerializer, responses={201: EnrollmentStateSerializer})
    def post(self, request, enrollment_id: int):
        enrollment = get_object_or_404(selectors.enrollments_visible_to(request.user), pk=enrollment_id)
        serializer = SignoffRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = Item.objects.select_related("module").filter(pk=serializer.validated_data["item"]).first()
        if item is None:
            raise ValidationError({"item": [_("Unknown item.")]})
        services.enrollment_signoff_record(
            enrollment=enrollment,
            item=item,
            by=request.user,
            action=serializer.validated_data["action"],
            comment=serializer.validated_data["comment"],
        )
        return Response(selectors.enrollment_states([enrollment])[0], status=201)
