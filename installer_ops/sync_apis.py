"""POST /api/v1/sync/: the tablet's outbox drains here (installer_ops/sync.py)."""

import functools
from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import sync
from .api_fields import IsoDateTimeField


class SyncRequestSerializer(serializers.Serializer):
    """The envelope of a sync batch. Events are read one by one by their
    kinds, so that one malformed event is rejected without failing the rest."""

    device_id = serializers.CharField(max_length=64)
    sent_at = IsoDateTimeField(required=False)
    events = serializers.ListField(
        child=serializers.JSONField(allow_null=True), max_length=sync.MAX_SYNC_EVENTS, allow_empty=True
    )


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=["applied", "duplicate", "conflict", "rejected"])
    reason = serializers.CharField(allow_blank=True)


@functools.cache
def sync_response_serializer() -> type[serializers.Serializer]:
    """Results and server time, plus what every registered kind adds (the
    bootcamp: the state of the enrollments the batch touched). Built once the
    apps have registered their kinds (the URL configuration loads after them)."""
    fields = {
        "results": SyncResultSerializer(many=True),
        "server_time": serializers.DateTimeField(),
        **{name: factory() for name, factory in sync.answer_fields().items()},
    }
    return type("SyncResponseSerializer", (serializers.Serializer,), fields)


class SyncView(APIView):
    """The only way a tablet's events enter the system."""

    @extend_schema(request=SyncRequestSerializer, responses=sync_response_serializer())
    def post(self, request):
        serializer = SyncRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        outcome = sync.sync_batch_apply(
            actor=request.user,
            device_id=serializer.validated_data["device_id"],
            events=serializer.validated_data["events"],
        )
        body = {"results": [asdict(r) for r in outcome.results], "server_time": outcome.server_time, **outcome.answer}
        return Response(sync_response_serializer()(body).data)
