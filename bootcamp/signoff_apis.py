"""GET /api/v1/signoffs/pending/: the items a lead can sign off now, for the
lead's tablet to keep offline (bootcamp/signoff_selectors.py). The sign-offs
themselves come back through the sync endpoint (services/field_signoffs.py)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from installer_ops.policies import require

from . import policies
from .serializers import EvidenceRowSerializer
from .signoff_selectors import pending_signoffs


class PendingNamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PendingModuleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class PendingItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True, help_text="The item's instructions, plain text.")
    needs_evidence = serializers.BooleanField()


class PendingSignoffSerializer(serializers.Serializer):
    enrollment = serializers.IntegerField()
    installer = PendingNamedSerializer()
    cohort = PendingNamedSerializer()
    module = PendingModuleSerializer()
    item = PendingItemSerializer()
    checked_at = serializers.DateTimeField(help_text="When the installer checked the item off (its effective time).")
    checked_event = serializers.UUIDField(help_text="The item.checked event the check rests on.")
    evidence = EvidenceRowSerializer(many=True, help_text="The photos of that check (none if the item needs none).")


class PendingSignoffsSerializer(serializers.Serializer):
    results = PendingSignoffSerializer(many=True)
    server_time = serializers.DateTimeField()


class PendingSignoffsView(APIView):
    """The items the requester can sign off now: checked, with their photo
    where one is needed, not signed off yet, in the active enrollments of the
    installers whose items they sign off (a lead: of the pods they lead; an
    administrator: all). Installers and executives sign nothing off (403)."""

    @extend_schema(responses=PendingSignoffsSerializer)
    def get(self, request):
        require(policies.can_sign_off_items(request.user))
        # Taken before the read: nothing the list shows happened after it.
        server_time = timezone.now()
        body = {"results": pending_signoffs(request.user), "server_time": server_time}
        return Response(PendingSignoffsSerializer(body).data)
