"""The tablet app: the shell page, its service worker and manifest.

The app itself is static (HTML, CSS, JavaScript) and talks to the API; these
views only serve the shell and describe it to the browser. There is one shell
per role that has a field app: the installer's checklist and the lead's
sign-offs. Each carries no one's data (the API scopes the data), so the
service worker may cache it, once per role (sw.js).
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

from .roles import Role, role_of
from .views import role_required

# Static files of the shell, precached by the service worker.
SHELL_STATIC = [
    "installer_ops/css/app.css",
    "installer_ops/app/tablet.css",
    "vendor/idb/idb.umd.js",
    "installer_ops/app/outbox.js",
    "installer_ops/js/table-frames.js",
    "installer_ops/app/formats.js",
    "installer_ops/app/checklist.js",
    "installer_ops/app/readiness.js",
    "installer_ops/app/documents.js",
    "installer_ops/app/downloads.js",
    "installer_ops/app/logout.js",
    "installer_ops/app/photo_view.js",
    "installer_ops/app/photos.js",
    "vendor/signature_pad/signature_pad.umd.min.js",
    "installer_ops/app/consent.js",
    "installer_ops/app/updates.js",
    "installer_ops/app/sync_loop.js",
    "installer_ops/app/app.js",
    "installer_ops/app/lead.css",
    "installer_ops/app/lead_view.js",
    "installer_ops/app/lead_photos.js",
    "installer_ops/app/lead_app.js",
    "installer_ops/app/icon-192.png",
    "installer_ops/app/icon-512.png",
]


# The field app of each role that has one; any other role is refused (403).
SHELL_TEMPLATES = {
    Role.INSTALLER: "installer_ops/app/shell.html",
    Role.LEAD: "installer_ops/app/lead_shell.html",
}
SHELL_ROLE_HEADER = "X-App-Shell"


def shell_urls() -> list[str]:
    return [
        reverse("app"),
        reverse("app-jsi18n"),
        reverse("app-manifest"),
        *(static(path) for path in SHELL_STATIC),
    ]


@lru_cache(maxsize=1)
def _content_release() -> str:
    """A release id that changes whenever a shell file or the worker changes."""
    digest = hashlib.sha256()
    for path in SHELL_STATIC:
        with open(finders.find(path), "rb") as handle:
            digest.update(handle.read())
    for template in (*SHELL_TEMPLATES.values(), "installer_ops/app/sw.js"):
        with open(get_template(template).origin.name, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:12]


def release() -> str:
    # APP_RELEASE (e.g. the deployed commit) wins when set.
    return settings.APP_RELEASE or _content_release()


@ensure_csrf_cookie  # the outbox reads the token from the cookie: the cached shell carries none
@role_required(*SHELL_TEMPLATES)
def app_shell(request):
    role = role_of(request.user)
    response = render(request, SHELL_TEMPLATES[role])
    # The service worker keeps each role's shell apart by this header, so a
    # shared tablet never opens one person's shell for another (sw.js).
    response[SHELL_ROLE_HEADER] = role.value
    return response


@never_cache
@require_GET
def service_worker(request):
    body = get_template("installer_ops/app/sw.js").render(
        {
            "release": release(),
            "shell_json": json.dumps(shell_urls()),
            "app_url": reverse("app"),
            "shell_role_header": SHELL_ROLE_HEADER,
            "idb_url_json": json.dumps(static("vendor/idb/idb.umd.js")),
            "outbox_url_json": json.dumps(static("installer_ops/app/outbox.js")),
        }
    )
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


@require_GET
def manifest(request):
    return JsonResponse(
        {
            "name": "Installer Ops",
            "short_name": "Installer Ops",
            "start_url": reverse("app"),
            "scope": reverse("app"),
            "display": "standalone",
            "orientation": "any",
            "background_color": "#f3f5f7",
            "theme_color": "#0b5d7a",
            "icons": [
                {"src": static("installer_ops/app/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("installer_ops/app/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("installer_ops/app/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
    )
