"""KPI API (docs/architecture.md, API surface)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops.policies import require

from . import jobs, policies, selectors
from .models import KpiJob
from .serializers import KpiJobSerializer, KpiQuerySerializer, KpiSnapshotSerializer, RecomputeSerializer

MAX_ROWS = 2000


class KpiListView(APIView):
    @extend_schema(
        parameters=[KpiQuerySerializer],
        responses=KpiSnapshotSerializer(many=True),
    )
    def get(self, request):
        """Stored snapshots for one scope and grain, oldest period first."""
        require(policies.can_read_kpis(request.user))
        query = KpiQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if not policies.kpi_scope_readable(request.user, q["scope"], q.get("scope_id", 0)):
            raise NotFound(f"No {q['scope']} with id {q.get('scope_id')}.")
        rows = selectors.kpi_snapshots(
            scope=q["scope"],
            scope_id=q.get("scope_id", 0),
            grain=q["grain"],
            kpi=q.get("kpi"),
            start=q.get("start"),
            end=q.get("end"),
            limit=MAX_ROWS,
        )
        return Response(KpiSnapshotSerializer(rows, many=True).data)


class RecomputeView(APIView):
    @extend_schema(request=RecomputeSerializer, responses={202: KpiJobSerializer})
    def post(self, request):
        """Recompute the periods overlapping [since, until] in the background; answers 202 with the job."""
        require(policies.can_recompute_kpis(request.user))
        body = RecomputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = jobs.kpi_job_request(actor=request.user, **body.validated_data)
        return Response(
            KpiJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/v1/kpis/jobs/{job.pk}/"},
        )


class KpiJobView(APIView):
    @extend_schema(responses=KpiJobSerializer, parameters=[OpenApiParameter("job_id", str, OpenApiParameter.PATH)])
    def get(self, request, job_id):
        require(policies.can_recompute_kpis(request.user))
        return Response(KpiJobSerializer(get_object_or_404(KpiJob, pk=job_id)).data)
