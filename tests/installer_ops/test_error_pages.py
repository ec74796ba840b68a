"""The error pages: the product's layout and stylesheet, the navigation of the
person's role on 400/403/404, a plain explanation and a way on; the 500 page
renders with no database at all; JSON stays JSON under /api/."""

import pytest
from django.db import OperationalError, connection
from django.urls import path

from installer_ops.urls import handler400, handler403, handler404, handler500  # noqa: F401 - read by Django
from installer_ops.urls import urlpatterns as project_urls

pytestmark = pytest.mark.django_db
STYLESHEET = '<link rel="stylesheet" href="/static/installer_ops/css/app.css">'


def boom(request):
    raise RuntimeError("a bug")


def suspicious(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad")


# This module is the URL configuration of the tests marked below: the
# project's routes and handlers, plus views that fail on purpose.
urlpatterns = [path("boom/", boom), path("suspicious/", suspicious), *project_urls]
as_urlconf = pytest.mark.urls(__name__)


def no_database(execute, sql, params, many, context):
    raise OperationalError("the database is unreachable (simulated)")


def nav_links(page: str) -> str:
    start = page.index('<nav aria-label="Main">')
    return page[start : page.index("</nav>", start)]


def test_403_is_styled_with_the_role_navigation_reason_and_ways_on(client, org):
    client.force_login(org.lead_a)
    response = client.get("/audit/", HTTP_REFERER="http://testserver/lead/")
    assert response.status_code == 403
    page = response.content.decode()
    assert STYLESHEET in page
    assert '<h1 id="error-heading">This page is not open to you</h1>' in page
    nav = nav_links(page)
    assert 'href="/lead/"' in nav and "Cohorts" in nav
    assert "This page is not part of your role." in page  # the refusal's own reason
    assert 'href="http://testserver/lead/"' in page and "Go back" in page
    assert 'href="/"' in page and "Go to your start page" in page
    assert "Ask an administrator" in page


def test_404_is_styled_with_the_role_navigation(client, org):
    client.force_login(org.installer_a1.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert STYLESHEET in page
    assert '<h1 id="error-heading">We could not find that page</h1>' in page
    assert "My checklist" in nav_links(page)
    assert "Ask your lead" in page
    # A referrer from another site is not offered as "Go back".
    page = client.get("/no-such-page/", HTTP_REFERER="https://elsewhere.example/x").content.decode()
    assert "elsewhere.example" not in page and "Go back" not in page


def test_404_for_someone_logged_out_offers_the_login(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert STYLESHEET in page and 'href="/accounts/login/"' in page
    assert '<nav aria-label="Main">' not in page


def test_another_pods_record_answers_the_styled_404(client, org):
    client.force_login(org.lead_a)
    response = client.get(f"/org/installers/{org.installer_b1.pk}/")
    assert response.status_code == 404
    assert STYLESHEET in response.content.decode()


@as_urlconf
def test_400_is_styled(client, org):
    client.force_login(org.executive)
    response = client.get("/suspicious/")
    assert response.status_code == 400
    page = response.content.decode()
    assert STYLESHEET in page and "We could not understand that request" in page
    assert "Dashboard" in nav_links(page)


@as_urlconf
def test_500_is_styled_and_asks_nothing_of_the_database(client):
    client.raise_request_exception = False
    # Anonymous, so that the request reaches the failing view before any query.
    with connection.execute_wrapper(no_database):
        response = client.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert STYLESHEET in page
    assert '<h1 id="error-heading">Something went wrong on our side</h1>' in page
    assert 'href="/"' in page and "Try again" in page
    assert "a bug" not in page and "Traceback" not in page


@as_urlconf
def test_a_page_with_the_database_gone_still_answers_the_styled_500(client, org):
    client.raise_request_exception = False
    client.force_login(org.lead_a)
    # Every query fails, the session's and the user's too (middleware, before any view).
    with connection.execute_wrapper(no_database):
        response = client.get("/lead/")
    assert response.status_code == 500
    assert STYLESHEET in response.content.decode()


def test_a_404_whose_navigation_cannot_be_read_is_still_the_styled_404(client, org, monkeypatch):
    def unreadable(user):
        raise OperationalError("the database went away while the page was drawn (simulated)")

    client.force_login(org.lead_a)
    monkeypatch.setattr("installer_ops.navigation.role_of", unreadable)
    response = client.get("/no-such-page/")
    # Rendered again without the request: no navigation, but not a 500.
    assert response.status_code == 404
    page = response.content.decode()
    assert STYLESHEET in page and "We could not find that page" in page
    assert '<nav aria-label="Main">' not in page


def test_the_503_page_has_the_product_look():
    from django.test import RequestFactory

    from installer_ops.error_views import service_unavailable

    response = service_unavailable(RequestFactory().get("/lead/"))
    page = response.content.decode()
    assert response.status_code == 503 and STYLESHEET in page and "Try again in a moment" in page


def test_a_csrf_failure_is_the_styled_page(org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.lead_a)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    page = response.content.decode()
    assert STYLESHEET in page and "That form could not be accepted" in page


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/no-such-thing/", 404), ("/api/v1/audit-log/", 403)],
)
def test_errors_under_the_api_stay_json(client, org, path, status):
    client.force_login(org.lead_a)
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
