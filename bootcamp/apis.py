"""The bootcamp's API (docs/architecture.md, Sync protocol and API surface): querysets from the
selectors, writes through the services."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops.permissions import ReadScopedWriteLead
from installer_ops.roles import Role, role_of
from installer_ops.selectors import installers_visible_to, pods_led_by, pods_visible_to

from . import policies, selectors, services
from .filters import EnrollmentFilter
from .models import Item
from .serializers import (
    BulkEnrollSerializer,
    CohortCreateSerializer,
    CohortSerializer,
    EnrollmentStateSerializer,
    ProgramSerializer,
    ProgramVersionCreateSerializer,
    ProgramVersionSerializer,
    SignoffRequestSerializer,
)


class ProgramAuthoring(BasePermission):
    """Everyone logged in reads programs; writing asks the policy (leads and administrators)."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        return request.method in SAFE_METHODS or policies.can_author_programs(request.user)


class ProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Program templates with every version's modules and items."""

    serializer_class = ProgramSerializer
    permission_classes = [ProgramAuthoring]

    def get_queryset(self):
        return (
            selectors.programs_visible_to(self.request.user)
            .prefetch_related("versions__modules__items")
            .order_by("title")
        )

    @extend_schema(request=ProgramVersionCreateSerializer, responses={201: ProgramVersionSerializer})
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        """Edit a program: the content becomes its next version (published
        versions never change); `publish: true` publishes it at once."""
        program = self.get_object()
        serializer = ProgramVersionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = services.program_version_create(
            actor=request.user, program=program, working_days=data["working_days"], modules=data["modules"]
        )
        if data["publish"]:
            version = services.program_version_publish(actor=request.user, version=version)
        version = selectors.program_versions_with_outline().get(pk=version.pk)
        return Response(ProgramVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class CohortViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadScopedWriteLead]
    serializer_class = CohortSerializer
    filterset_fields = ["program_version"]
    search_fields = ["name"]

    def get_queryset(self):
        return (
            selectors.cohorts_visible_to(self.request.user)
            .select_related("program_version__program")
            .prefetch_related("pods")
            .order_by("-start_on", "name")
        )

    def _summaries(self, cohorts):
        return selectors.cohort_summaries(list(cohorts), timezone.localdate())

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(CohortSerializer(self._summaries(page), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(CohortSerializer(self._summaries([self.get_object()])[0]).data)

    @extend_schema(request=CohortCreateSerializer, responses={201: CohortSerializer})
    def create(self, request):
        """Plan a cohort led by the requester, for pods they lead (any pod for an admin)."""
        pods = pods_visible_to(request.user) if role_of(request.user) == Role.ADMIN else pods_led_by(request.user)
        serializer = CohortCreateSerializer(data=request.data, pods=pods)
        serializer.is_valid(raise_exception=True)
        cohort = services.cohort_create(actor=request.user, **serializer.validated_data)
        cohort = self.get_queryset().get(pk=cohort.pk)
        return Response(CohortSerializer(self._summaries([cohort])[0]).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=BulkEnrollSerializer, responses={201: EnrollmentStateSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def enrollments(self, request, pk=None):
        """Enrol installers in bulk: all or none, with every problem listed."""
        cohort = self.get_object()
        serializer = BulkEnrollSerializer(data=request.data, installers=installers_visible_to(request.user))
        serializer.is_valid(raise_exception=True)
        enrollments = services.enrollment_bulk_create(
            actor=request.user, cohort=cohort, installers=serializer.validated_data["installers"]
        )
        visible = selectors.enrollments_visible_to(request.user).in_bulk([e.pk for e in enrollments])
        shaped = selectors.enrollment_states([visible[e.pk] for e in enrollments])  # in the order sent
        return Response(EnrollmentStateSerializer(shaped, many=True).data, status=status.HTTP_201_CREATED)


class EnrollmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Enrollments with every module's due date and every item's state."""

    serializer_class = EnrollmentStateSerializer
    filterset_class = EnrollmentFilter

    def get_queryset(self):
        return selectors.enrollments_visible_to(self.request.user).order_by("cohort_id", "installer__user__name")

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(EnrollmentStateSerializer(selectors.enrollment_states(page), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(EnrollmentStateSerializer(selectors.enrollment_states([self.get_object()])[0]).data)


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
            actor=request.user,
            enrollment=enrollment,
            item=item,
            action=serializer.validated_data["action"],
            comment=serializer.validated_data["comment"],
        )
        return Response(selectors.enrollment_states([enrollment])[0], status=status.HTTP_201_CREATED)
