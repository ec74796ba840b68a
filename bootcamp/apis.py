from dataclasses import asdict

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .serializers import SyncRequestSerializer, SyncResponseSerializer


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
