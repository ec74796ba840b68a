import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_under_the_content_security_policy(page):
    admin = UserFactory(role="admin", password="admin-browser-pass")
    log_in(page, admin.username, "admin-browser-pass")
    page.goto("/api/docs/")
    # Swagger UI built the page from the schema: its scripts ran (none inline).
    expect(page.get_by_role("heading", name="Installer Ops API")).to_be_visible()
    expect(page.get_by_text("/api/v1/kpis/", exact=True).first).to_be_visible()
