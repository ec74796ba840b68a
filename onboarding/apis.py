"""Onboarding API (docs/architecture.md, API surface): querysets from the selectors,
writes through the services."""

from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops.permissions import ReadAnyWriteAdmin, ReadScopedWriteLead
from installer_ops.roles import Role, role_of
from installer_ops.selectors import installers_visible_to

from . import printing, selectors, services
from .models import Day1Kit, OutageDrill, ShadowAssignment, ShadowDay
from .serializers import (
    AcknowledgeSerializer,
    ClearanceSerializer,
    DocumentPublishSerializer,
    DocumentSerializer,
    DocumentVersionSerializer,
    DrillResultSerializer,
    DrillScheduleSerializer,
    DrillSerializer,
    KitCopySerializer,
    KitIssueSerializer,
    KitSerializer,
    ReadinessSerializer,
    ShadowAssignmentSerializer,
    ShadowAssignSerializer,
    ShadowDaySerializer,
    UnmetSerializer,
)


def _require_lead(user) -> None:
    if role_of(user) not in (Role.LEAD, Role.ADMIN):
        raise PermissionDenied


class ReadinessView(APIView):
    @extend_schema(responses=ReadinessSerializer)
    def get(self, request, pk: int):
        """Each requirement of the readiness gate, met or not, with detail."""
        installer = get_object_or_404(installers_visible_to(request.user), pk=pk)
        return Response(ReadinessSerializer(selectors.installer_readiness(installer)).data)


class ClearanceView(APIView):
    @extend_schema(request=None, responses={201: ClearanceSerializer, 409: UnmetSerializer})
    def post(self, request, pk: int):
        """Clear the installer for independent deployment: 201, or 409 with the unmet requirements."""
        installer = get_object_or_404(installers_visible_to(request.user), pk=pk)
        _require_lead(request.user)
        clearance = services.installer_clear(actor=request.user, installer=installer)
        return Response(ClearanceSerializer(clearance).data, status=status.HTTP_201_CREATED)


class PacketView(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        """The installer's offline packet as one PDF."""
        installer = get_object_or_404(installers_visible_to(request.user), pk=pk)
        pdf = printing.packet_pdf(installer)
        return FileResponse(iter([pdf]), content_type="application/pdf", filename=f"packet-{installer.employee_id}.pdf")


class KitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = KitSerializer

    def get_queryset(self):
        return (
            Day1Kit.objects.filter(installer__in=installers_visible_to(self.request.user))
            .select_related("profile", "runbook_version", "playbook_version")
            .order_by("-issued_at")
        )

    @extend_schema(request=KitIssueSerializer, responses={201: KitSerializer})
    def create(self, request):
        _require_lead(request.user)
        serializer = KitIssueSerializer(data=request.data, installers=installers_visible_to(request.user))
        serializer.is_valid(raise_exception=True)
        kit = services.kit_issue(actor=request.user, **serializer.validated_data)
        return Response(KitSerializer(kit).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AcknowledgeSerializer, responses=KitSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """The installer acknowledges the runbook or playbook version their kit holds."""
        kit = self.get_object()  # first: someone else's kit is a 404, whatever the body
        serializer = AcknowledgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kit = services.kit_acknowledge(actor=request.user, kit=kit, version=serializer.validated_data["version"])
        return Response(KitSerializer(kit).data)

    @extend_schema(responses=KitCopySerializer(many=True))
    @action(detail=True, methods=["get"])
    def copies(self, request, pk=None):
        """The kit's runbook and playbook copies, rendered, for reading offline."""
        kit = self.get_object()
        return Response(KitCopySerializer(printing.kit_copies(kit, get_language()), many=True).data)

    @extend_schema(request=None, responses=KitSerializer)
    @action(detail=True, methods=["post"])
    def reprint(self, request, pk=None):
        """Replace the kit's copies with the current versions."""
        _require_lead(request.user)
        return Response(KitSerializer(services.kit_reprint(actor=request.user, kit=self.get_object())).data)


class ShadowAssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ShadowAssignmentSerializer
    permission_classes = [ReadScopedWriteLead]

    def get_queryset(self):
        return ShadowAssignment.objects.filter(installer__in=installers_visible_to(self.request.user)).order_by("pk")

    @extend_schema(request=ShadowAssignSerializer, responses={201: ShadowAssignmentSerializer})
    def create(self, request):
        serializer = ShadowAssignSerializer(data=request.data, installers=installers_visible_to(request.user))
        serializer.is_valid(raise_exception=True)
        assignment = services.shadow_assign(actor=request.user, **serializer.validated_data)
        return Response(ShadowAssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ShadowDayViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ShadowDaySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return ShadowDay.objects.none()
        # The shadowed installer's scope, plus the days a mentor has to confirm.
        return (
            ShadowDay.objects.filter(
                Q(assignment__installer__in=installers_visible_to(self.request.user))
                | Q(assignment__mentor__user=self.request.user)
            )
            .select_related("assignment__installer__user", "assignment__mentor__user")
            .order_by("day")
        )

    @extend_schema(request=ShadowDaySerializer, responses={201: ShadowDaySerializer})
    def create(self, request):
        _require_lead(request.user)
        serializer = ShadowDaySerializer(data=request.data)
        serializer.fields["assignment"].queryset = ShadowAssignment.objects.filter(
            installer__in=installers_visible_to(request.user)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        day = services.shadow_day_record(
            actor=request.user,
            assignment=data["assignment"],
            day=data["day"],
            site=data["site"],
            notes=data.get("notes", ""),
        )
        return Response(ShadowDaySerializer(day, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ShadowDaySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The mentor confirms the day, on their own login."""
        return Response(
            ShadowDaySerializer(services.shadow_day_confirm(actor=request.user, shadow_day=self.get_object())).data
        )


class DrillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = DrillSerializer
    permission_classes = [ReadScopedWriteLead]

    def get_queryset(self):
        return (
            OutageDrill.objects.filter(installer__in=installers_visible_to(self.request.user))
            .select_related("scenario")
            .order_by("scheduled_for")
        )

    @extend_schema(request=DrillScheduleSerializer, responses={201: DrillSerializer})
    def create(self, request):
        serializer = DrillScheduleSerializer(data=request.data, installers=installers_visible_to(request.user))
        serializer.is_valid(raise_exception=True)
        drill = services.drill_schedule(actor=request.user, **serializer.validated_data)
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DrillResultSerializer, responses=DrillSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """Record the drill's outcome and time to recover."""
        drill = self.get_object()  # first: another pod's drill is a 404, whatever the body
        serializer = DrillResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        drill = services.drill_record(actor=request.user, drill=drill, **serializer.validated_data)
        return Response(DrillSerializer(drill).data)


class RunbookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Runbooks and incident playbooks with every version."""

    serializer_class = DocumentSerializer
    permission_classes = [ReadAnyWriteAdmin]
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.documents_with_versions()

    @extend_schema(request=DocumentPublishSerializer, responses={201: DocumentVersionSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        """Publish the next version; kits holding an older copy are flagged for reprint."""
        serializer = DocumentPublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.document_publish(actor=request.user, document=self.get_object(), **serializer.validated_data)
        return Response(DocumentVersionSerializer(version).data, status=status.HTTP_201_CREATED)
