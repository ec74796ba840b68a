"""Hiring's API (docs/architecture.md, API surface): querysets from the
selectors, scoped by hiring/policies.py (another pod's requisition or
candidate answers 404), writes through the services."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops.permissions import ReadScopedWriteLead
from installer_ops.roles import Role, role_of
from installer_ops.serializers import InstallerSerializer

from . import policies, selectors, services
from .filters import CandidateFilter, RequisitionFilter
from .models import RubricMinimums
from .rubric import rubric_dimensions
from .serializers import (
    CandidateCreateSerializer,
    CandidateSerializer,
    HireRefusedSerializer,
    HireSerializer,
    HiringSummarySerializer,
    InterviewersSerializer,
    MinimumsSerializer,
    ReasonSerializer,
    RequisitionCreateSerializer,
    RequisitionSerializer,
    RubricSerializer,
    ScorecardCreateSerializer,
    ScorecardSerializer,
    StageMoveSerializer,
)


class RequisitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A pod's roles to fill. Leads read and run those of the pods they lead."""

    serializer_class = RequisitionSerializer
    permission_classes = [ReadScopedWriteLead]
    filterset_class = RequisitionFilter
    ordering_fields = ["opened_on", "fill_by"]

    def get_queryset(self):
        return selectors.requisitions_for_listing(self.request.user)

    def _shaped(self, requisition):
        return RequisitionSerializer(self.get_queryset().get(pk=requisition.pk)).data

    @extend_schema(request=RequisitionCreateSerializer, responses={201: RequisitionSerializer})
    def create(self, request):
        """Open a requisition in a pod the requester leads (any pod for an administrator)."""
        serializer = RequisitionCreateSerializer(data=request.data, pods=policies.pods_hiring_for(request.user))
        serializer.is_valid(raise_exception=True)
        requisition = services.requisition_open(actor=request.user, **serializer.validated_data)
        return Response(self._shaped(requisition), status=status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses={200: RequisitionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel an open requisition (409 when it is filled or cancelled already)."""
        requisition = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.requisition_cancel(actor=request.user, requisition=requisition, **serializer.validated_data)
        return Response(self._shaped(requisition))


class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Candidates of the requisitions the requester runs or interviews for."""

    serializer_class = CandidateSerializer
    permission_classes = [ReadScopedWriteLead]
    filterset_class = CandidateFilter
    search_fields = ["name", "email"]
    ordering_fields = ["applied_on", "stage_changed_at", "name"]

    def get_queryset(self):
        return selectors.candidates_for_listing(self.request.user)

    def _shaped(self, candidate):
        return CandidateSerializer(self.get_queryset().get(pk=candidate.pk)).data

    @extend_schema(request=CandidateCreateSerializer, responses={201: CandidateSerializer})
    def create(self, request):
        """Add a candidate to an open requisition of a pod the requester leads."""
        serializer = CandidateCreateSerializer(
            data=request.data,
            requisitions=policies.requisitions_managed_by(request.user),
            interviewers=policies.interviewers_available(),
        )
        serializer.is_valid(raise_exception=True)
        candidate = services.candidate_add(actor=request.user, **serializer.validated_data)
        return Response(self._shaped(candidate), status=status.HTTP_201_CREATED)

    @extend_schema(request=StageMoveSerializer, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"])
    def stage(self, request, pk=None):
        """One stage forward, or to rejected or withdrawn with a reason; 409 with why for anything else."""
        candidate = self.get_object()
        serializer = StageMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.candidate_stage_move(actor=request.user, candidate=candidate, **serializer.validated_data)
        return Response(self._shaped(candidate))

    @extend_schema(request=InterviewersSerializer, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"])
    def interviewers(self, request, pk=None):
        """Name the candidate's interviewers (replacing the list)."""
        candidate = self.get_object()
        serializer = InterviewersSerializer(data=request.data, interviewers=policies.interviewers_available())
        serializer.is_valid(raise_exception=True)
        services.candidate_interviewers_set(actor=request.user, candidate=candidate, **serializer.validated_data)
        return Response(self._shaped(candidate))

    @extend_schema(methods=["GET"], responses={200: ScorecardSerializer(many=True)})
    @extend_schema(methods=["POST"], request=ScorecardCreateSerializer, responses={201: ScorecardSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def scorecards(self, request, pk=None):
        """The candidate's scorecards (the pod's lead reads all of them, an
        interviewer their own), or a new one by the requester."""
        candidate = self.get_object()
        if request.method == "GET":
            return Response(ScorecardSerializer(selectors.scorecards_of(request.user, candidate), many=True).data)
        serializer = ScorecardCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scorecard = services.scorecard_submit(actor=request.user, candidate=candidate, **serializer.validated_data)
        return Response(ScorecardSerializer(scorecard).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HireSerializer, responses={201: InstallerSerializer, 409: HireRefusedSerializer})
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        """Hire the candidate: 201 with the new installer, or 409 listing every unmet requirement."""
        candidate = self.get_object()
        serializer = HireSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        installer = services.candidate_hire(actor=request.user, candidate=candidate, **serializer.validated_data)
        return Response(InstallerSerializer(installer).data, status=status.HTTP_201_CREATED)


class HiringSummaryView(APIView):
    """Counts of candidates per stage and source and of requisitions: no
    personal data. Executives and administrators read every pod, a lead
    the pods they lead; installers are refused."""

    @extend_schema(responses=HiringSummarySerializer)
    def get(self, request):
        summary = selectors.hiring_summary(request.user)
        if summary is None:
            raise PermissionDenied(_("Hiring figures are for leads, executives and administrators."))
        return Response(HiringSummarySerializer(summary).data)


class HiringRubricView(APIView):
    """The rubric's dimensions with the anchored description of each score,
    the task library in use, and the minimums a hire needs. Administrators
    set the minimums with PUT."""

    def _answer(self):
        return RubricSerializer(
            {
                "dimensions": rubric_dimensions(),
                "tasks": selectors.active_tasks(),
                "minimums": RubricMinimums.current(),
            }
        ).data

    @extend_schema(responses=RubricSerializer)
    def get(self, request):
        if role_of(request.user) not in (Role.LEAD, Role.EXECUTIVE, Role.ADMIN):
            raise PermissionDenied(_("The hiring rubric is for leads, executives and administrators."))
        return Response(self._answer())

    @extend_schema(request=MinimumsSerializer, responses=RubricSerializer)
    def put(self, request):
        if not policies.can_set_minimums(request.user):
            raise PermissionDenied(_("Only administrators set the rubric's minimums."))
        serializer = MinimumsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.minimums_set(actor=request.user, **serializer.validated_data)
        return Response(self._answer())
