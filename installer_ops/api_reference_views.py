"""GET /api/docs/ (name api-docs): the API reference, a page of ours in the
base template, made from the schema drf-spectacular serves at /api/schema/.
Open to anyone, as the schema is (the navigation offers it to administrators)."""

import functools
import json

from django.conf import settings
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from .api_reference import Reference, reference_of

CACHED_LANGUAGES = len(settings.LANGUAGES) or 1


def generated_schema() -> dict:
    """The schema as /api/schema/?format=json serves it (lazy texts translated
    in the active language, plain JSON types), so the page and the download
    say the same."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


@functools.lru_cache(maxsize=CACHED_LANGUAGES)
def reference_for(language: str) -> Reference:
    """The schema read into the page's content, once per process and language:
    generating walks every view and serializer (a second or two)."""
    with translation.override(language):
        return reference_of(generated_schema())


@functools.lru_cache(maxsize=CACHED_LANGUAGES)
def content_for(language: str) -> str:
    """The page's content as HTML, rendered once per process and language
    (about 70 operations and 100 schemas take most of a second to render);
    it holds nothing of the reader, whose header base.html adds per request."""
    reference = reference_for(language)
    schema_url = reverse("api-schema")
    with translation.override(language):
        return render_to_string(
            "api_reference/_content.html",
            {
                "reference": reference,
                "schema_url": schema_url,
                "schema_json_url": f"{schema_url}?format=json",
                "account_url": reverse("account"),
                # The introduction links these operations, where the schema has them.
                "sync": reference.operation("POST", reverse("v1:api-sync")),
                "token": reference.operation("POST", reverse("v1:api-token")),
                "installers": reference.operation("GET", reverse("v1:installer-list")),
            },
        )


def api_docs(request):
    content = content_for(translation.get_language() or settings.LANGUAGE_CODE)
    return render(request, "api_reference/page.html", {"content": content})
