"""What the installer's tablet downloads for reading offline before a kit
exists: the current runbook and playbook (docs/architecture.md, Sync protocol).

Runbooks are readable by anyone logged in (the print views are too); the
kit's own copies, with acknowledgements, stay under /api/v1/kits/."""

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import printing, selectors
from .document_selectors import versions_in_language
from .serializers import DocumentCopySerializer


class CurrentDocumentSerializer(DocumentCopySerializer):
    """The current version of a runbook or playbook, its body as sanitised HTML."""


class CurrentDocumentsView(APIView):
    """The current runbook and playbook (those published), for the tablet to keep."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CurrentDocumentSerializer(many=True))
    def get(self, request):
        found = [selectors.current_document_version(kind) for kind in ("runbook", "playbook")]
        found = [version for version in found if version is not None]
        shown = versions_in_language(found, get_language())
        copies = [printing.copy_of(version, shown[version.pk]) for version in found]
        return Response(CurrentDocumentSerializer(copies, many=True).data)
