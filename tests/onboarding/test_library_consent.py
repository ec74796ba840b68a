"""The library's consent flows and languages: a consent flow needs a
geography (and only it may have one); the editor publishes the next English
version or the translation of the current one, with each refusal under its
field; a consent flow's steps are listed under the preview; the version
history links each language's print view and PDF."""

import pytest

from installer_ops.roles import Role
from onboarding import document_services
from onboarding.demo import load_reference_data
from onboarding.models import Document, DocumentVersion
from tests.factories import GeographyFactory, UserFactory
from tests.onboarding.consent_data import FLOW_BODY, publish_flow

pytestmark = pytest.mark.django_db
GERMAN = "# Einwilligung\n\n- [ ] Schilder aufhängen\n- [photo] Schilder fotografieren\n- [ ] Bereich vereinbaren\n"


@pytest.fixture
def as_admin(client):
    client.force_login(UserFactory(role=Role.ADMIN))
    return client


@pytest.fixture
def geography(db):
    return GeographyFactory(code="pt", name="Portugal")


def field_error(page: str, field: str) -> str:
    """The text of the error shown under `field` (installer_ops/_form_field.html)."""
    marker = f'id="id_{field}_error">'
    assert marker in page, f"no error under {field}"
    start = page.index(marker) + len(marker)
    return page[start : page.index("</p>", start)]


def test_the_new_document_form_creates_a_consent_flow_of_a_geography(as_admin, geography):
    page = as_admin.get("/library/new-document/").content.decode()
    assert '<option value="consent">Consent flow</option>' in page
    assert f'<option value="{geography.pk}">Portugal</option>' in page
    response = as_admin.post(
        "/library/new-document/",
        {"kind": "consent", "slug": "consent-pt", "title": "Consent (Portugal)", "geography": geography.pk},
    )
    assert response.status_code == 302
    assert Document.objects.get(slug="consent-pt").geography == geography
    page = as_admin.get("/library/").content.decode()
    assert "Consent (Portugal)" in page and "Portugal" in page and "not held in kits" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "consent", "slug": "c", "title": "No geography"}, "A consent flow belongs to a geography."),
        ({"kind": "runbook", "slug": "r", "title": "Runbook", "geography": "GEO"}, "Only a consent flow belongs"),
        ({"kind": "consent", "slug": "c", "title": "Bad", "geography": "abc"}, "Select a valid choice"),
        ({"kind": "consent", "slug": "c", "title": "Twice", "geography": "GEO"}, "has a consent flow already"),
    ],
)
def test_a_bad_geography_is_refused_under_its_field(as_admin, geography, data, message):
    publish_flow(geography, slug="existing") if data["title"] == "Twice" else None
    data = {k: (geography.pk if v == "GEO" else v) for k, v in data.items()}
    before = Document.objects.count()
    response = as_admin.post("/library/new-document/", data)
    assert response.status_code == 400
    assert message in field_error(response.content.decode(), "geography")
    assert Document.objects.count() == before


@pytest.fixture
def flow(as_admin, geography):
    document_services.document_create(
        actor=None, kind="consent", slug="consent-pt", title="Consent (Portugal)", geography=geography
    )
    return "/library/documents/consent-pt/"


def test_the_editor_explains_steps_and_lists_them_under_the_preview(as_admin, flow):
    page = as_admin.get(flow).content.decode()
    assert "“- [ ] ”" in page and "“- [photo] ”" in page  # the body's help text
    response = as_admin.post(flow, {"action": "preview", "body": FLOW_BODY, "language": "en"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The tablet lists 3 steps" in page
    assert '<li>Photograph the posted signage <span class="badge info">photo</span></li>' in page
    assert "☐ Post the signage" in page  # the preview is the printed rendering
    fragment = as_admin.post(f"{flow}preview/", {"body": "# Only a heading\n"}).content.decode()
    assert "The tablet lists 0 steps" in fragment and "needs at least one step" in fragment


def test_a_consent_body_without_steps_is_refused_under_the_body(as_admin, flow):
    response = as_admin.post(flow, {"action": "publish", "body": "# No steps here\n", "language": "en"})
    assert response.status_code == 400
    assert "needs at least one step" in field_error(response.content.decode(), "body")
    assert not DocumentVersion.objects.exists()


def test_publishing_english_then_its_translation(as_admin, flow):
    response = as_admin.post(flow, {"action": "publish", "body": FLOW_BODY, "language": "en"}, follow=True)
    page = response.content.decode()
    assert "Version 1 published. Every installer of Portugal acknowledges it again" in page
    assert '<option value="de">German: translation of version 1</option>' in page
    response = as_admin.post(
        flow, {"action": "publish", "body": GERMAN, "language": "de", "title": "Einwilligung in Portugal"}, follow=True
    )
    page = response.content.decode()
    assert "The German translation of version 1 is published." in page
    assert "“Einwilligung in Portugal”" in page  # the translation's title beside its language
    assert DocumentVersion.objects.get(language="de").number == 1
    assert "German: translation of version 1 (published)" in page
    assert 'href="/runbooks/consent-pt/v1/?language=de"' in page
    assert 'href="/runbooks/consent-pt/v1.pdf?language=de"' in page
    assert 'href="/runbooks/consent-pt/v1/?language=en"' in page
    # The same translation again publishes nothing; another title or text is refused under its field.
    again = {"action": "publish", "body": GERMAN, "language": "de", "title": "Einwilligung in Portugal"}
    response = as_admin.post(flow, again, follow=True)
    assert "is unchanged: nothing was published" in response.content.decode()
    response = as_admin.post(flow, {**again, "title": "Anders"})
    assert response.status_code == 400
    assert "published already with its title" in field_error(response.content.decode(), "title")
    response = as_admin.post(flow, {"action": "publish", "body": GERMAN + "Mehr.\n", "language": "de"})
    assert response.status_code == 400
    assert "published already and never changes" in field_error(response.content.decode(), "body")
    # The editor starts from the translation when asked for it.
    page = as_admin.get(flow + "?language=de").content.decode()
    assert "Schilder aufhängen" in page and '<option value="de" selected>' in page
    assert 'value="Einwilligung in Portugal"' in page


def test_a_translation_with_other_steps_is_refused_under_the_body(as_admin, flow):
    as_admin.post(flow, {"action": "publish", "body": FLOW_BODY, "language": "en"})
    response = as_admin.post(flow, {"action": "publish", "body": "- [ ] Nur ein Schritt\n", "language": "de"})
    assert response.status_code == 400
    assert "the same steps as the version it translates: 3, not 1" in field_error(response.content.decode(), "body")
    assert "Nur ein Schritt" in response.content.decode()  # the typed body is still previewed
    swapped = "- [photo] Schilder\n- [ ] Foto\n- [ ] Bereich\n"
    response = as_admin.post(flow, {"action": "publish", "body": swapped, "language": "de"})
    assert "asks for a photo in one language" in field_error(response.content.decode(), "body")
    assert not DocumentVersion.objects.filter(language="de").exists()


def test_a_translation_before_the_first_version_and_an_unknown_language_are_refused(as_admin, flow):
    response = as_admin.post(flow, {"action": "publish", "body": GERMAN, "language": "de"})
    assert response.status_code == 400
    assert "Publish the first version in English" in field_error(response.content.decode(), "language")
    response = as_admin.post(flow, {"action": "publish", "body": FLOW_BODY, "language": "xx"})
    assert response.status_code == 400
    assert "Select a valid choice" in field_error(response.content.decode(), "language")
    assert not DocumentVersion.objects.exists()


def test_a_runbooks_translation_flags_no_kit_and_its_next_version_does(as_admin):
    load_reference_data()
    url = "/library/documents/field-runbook/"
    page = as_admin.get(url).content.decode()
    assert "English: new version 2" in page and "Print view of v1" in page
    response = as_admin.post(url, {"action": "publish", "body": "# Feldhandbuch\n", "language": "de"}, follow=True)
    assert "The German translation of version 1 is published." in response.content.decode()
    response = as_admin.post(url, {"action": "publish", "body": "# Runbook v2\n", "language": "en"}, follow=True)
    assert "Version 2 published. 0 kits hold an older copy" in response.content.decode()
    page = as_admin.get(url).content.decode()
    # v2 has English only; v1 keeps its translation.
    assert 'href="/runbooks/field-runbook/v2/?language=en"' in page
    assert 'href="/runbooks/field-runbook/v2/?language=de"' not in page
    assert 'href="/runbooks/field-runbook/v1/?language=de"' in page
