"""The organisation's API (docs/architecture.md, API surface). Querysets come from the
selectors, writes go to the services; these classes only wire the two to HTTP."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .filters import InstallerFilter, PodFilter
from .permissions import ReadAnyWriteAdmin, ReadScopedWriteLead
from .roles import Role, role_of
from .serializers import (
    GeographySerializer,
    InstallerDetailSerializer,
    InstallerHireSerializer,
    InstallerSerializer,
    MeSerializer,
    PodRoleAssignSerializer,
    PodSerializer,
    PodWriteSerializer,
    PromoteSerializer,
    PromotionSerializer,
    SeparateSerializer,
    VerticalSerializer,
)
from .throttles import SharedScopedRateThrottle


class TokenObtainView(ObtainAuthToken):
    """Exchange a username and password for an API token (integrations)."""

    throttle_classes = [SharedScopedRateThrottle]
    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request when the login is locked: say so
            # rather than "wrong credentials", which would invite more tries.
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": _("Too many wrong passwords in a row: this login is locked for a while.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        installer = selectors.installer_of(request.user)
        return Response(MeSerializer(request.user, context={"installer": installer}).data)


class GeographyViewSet(viewsets.ModelViewSet):
    serializer_class = GeographySerializer
    permission_classes = [ReadAnyWriteAdmin]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.geographies_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.geography_create(actor=self.request.user, **serializer.validated_data)


class VerticalViewSet(viewsets.ModelViewSet):
    serializer_class = VerticalSerializer
    permission_classes = [ReadAnyWriteAdmin]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.verticals_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.vertical_create(actor=self.request.user, **serializer.validated_data)


class PodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PodSerializer
    permission_classes = [ReadAnyWriteAdmin]
    filterset_class = PodFilter
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]

    def get_queryset(self):
        return selectors.pods_for_listing(self.request.user)

    @extend_schema(request=PodWriteSerializer, responses={201: PodSerializer})
    def create(self, request):
        serializer = PodWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pod = services.pod_create(actor=request.user, **serializer.validated_data)
        return Response(PodSerializer(self.get_queryset().get(pk=pod.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PodRoleAssignSerializer, responses={201: PodSerializer})
    @action(detail=True, methods=["post"])
    def roles(self, request, pk=None):
        """Hand one of the pod's staffing roles to a person (admins)."""
        pod = self.get_object()
        serializer = PodRoleAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.pod_role_assign(actor=request.user, pod=pod, **serializer.validated_data)
        return Response(PodSerializer(self.get_queryset().get(pk=pod.pk)).data, status=status.HTTP_201_CREATED)


class InstallerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadScopedWriteLead]
    filterset_class = InstallerFilter
    search_fields = ["user__name", "employee_id"]
    ordering_fields = ["hired_on", "employee_id", "user__name", "level"]

    def get_queryset(self):
        queryset = selectors.installers_for_listing(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("promotions__recorded_by")
        return queryset

    def get_serializer_class(self):
        return InstallerDetailSerializer if self.action == "retrieve" else InstallerSerializer

    def _pods_staffable(self):
        # A lead hires into the pods they lead; an admin into any pod. A pod
        # outside that scope reads as unknown, like any out-of-scope object.
        if role_of(self.request.user) == Role.ADMIN:
            return selectors.pods_visible_to(self.request.user)
        return selectors.pods_led_by(self.request.user)

    @extend_schema(request=InstallerHireSerializer, responses={201: InstallerSerializer})
    def create(self, request):
        """Hire an installer: creates their login and record at stage `hired`."""
        serializer = InstallerHireSerializer(data=request.data, pods=self._pods_staffable())
        serializer.is_valid(raise_exception=True)
        installer = services.installer_hire(actor=request.user, **serializer.validated_data)
        return Response(InstallerSerializer(installer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PromoteSerializer, responses={201: PromotionSerializer})
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        """Promote to a higher level from a date."""
        installer = self.get_object()
        serializer = PromoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        promotion = services.installer_promote(actor=request.user, installer=installer, **serializer.validated_data)
        return Response(PromotionSerializer(promotion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SeparateSerializer, responses={200: InstallerSerializer})
    @action(detail=True, methods=["post"])
    def separate(self, request, pk=None):
        """Record that the installer left, when, and whether voluntarily."""
        installer = self.get_object()
        serializer = SeparateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        installer = services.installer_separate(actor=request.user, installer=installer, **serializer.validated_data)
        return Response(InstallerSerializer(installer).data)
