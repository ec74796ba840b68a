"""What the installer's tablet downloads for reading offline before a kit
exists: the current runbook and playbook (docs/architecture.md, Sync protocol).

Runbooks are readable by anyone logged in (the print views are too); the
kit's own copies, with acknowledgements, stay under /api/v1/kits/."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import printing, selectors
from .serializers import DocumentCopySerializer


class CurrentDocumentSerializer(DocumentCopySerializer):
    """The current version of a runbook or playbook, its body as sanitised HTML."""


def _shaped(version) -> dict:
    return {
        "version_id": version.pk,
        "kind": version.document.kind,
        "title": version.document.title,
        "version": version.number,
        "checksum": version.checksum,
        "published_at": version.published_at,
        "html": str(printing.render_markdown(version.body)),
        "pdf_url": reverse("runbook-pdf", args=[version.document.slug, version.number]),
    }


class CurrentDocumentsView(APIView):
    """The current runbook and playbook (those published), for the tablet to keep."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CurrentDocumentSerializer(many=True))
    def get(self, request):
        found = (selectors.current_document_version(kind) for kind in ("runbook", "playbook"))
        return Response(CurrentDocumentSerializer([_shaped(v) for v in found if v is not None], many=True).data)
