import gzip
import json

import pytest

from installer_ops.tablet import shell_urls
from tests.factories import InstallerFactory

pytestmark = pytest.mark.django_db

BUDGET = 150 * 1024  # bytes, compressed: HTML, CSS and JavaScript of the shell together


def test_the_app_shell_stays_small(client):
    client.force_login(InstallerFactory().user)
    sizes = {}
    for url in [*shell_urls(), "/app/sw.js"]:
        if url.endswith(".png"):
            continue  # images are not part of the HTML/CSS/JS budget
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        sizes[url] = len(gzip.compress(body, compresslevel=9))
    total = sum(sizes.values())
    print("app shell, gzip:", total, "bytes", sizes)
    assert total <= BUDGET, sizes


def test_the_shell_is_the_same_for_every_installer(client):
    """The service worker caches it once per tablet, so it must carry no one's data."""
    pages = []
    for name in ("Ada One", "Ben Two"):
        installer = InstallerFactory(user__name=name)
        client.force_login(installer.user)
        response = client.get("/app/")
        assert response.cookies["csrftoken"].value  # what the outbox sends back
        pages.append(response.content)
    assert pages[0] == pages[1]


def test_service_worker_and_manifest(client, settings):
    settings.APP_RELEASE = "r42"
    worker = client.get("/app/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert 'var RELEASE = "r42";' in worker.content.decode()
    assert "no-cache" in worker["Cache-Control"]
    shell = json.loads(worker.content.decode().split("var SHELL = ")[1].split(";\n")[0])
    assert shell[0] == "/app/" and "/static/installer_ops/app/app.js" in shell
    manifest = client.get("/app/manifest.webmanifest").json()
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/app/", "/app/", "standalone")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_app_is_for_installers_and_leads(client, org):
    """Each with their own shell (tests/installer_ops/test_lead_shell.py); anyone else is refused."""
    client.force_login(org.installer_a1.user)
    assert client.get("/app/").status_code == 200
    client.force_login(org.lead_a)
    assert client.get("/app/").status_code == 200
    for other in (org.executive, org.admin):
        client.force_login(other)
        assert client.get("/app/").status_code == 403
