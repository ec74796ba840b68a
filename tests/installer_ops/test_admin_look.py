"""What the review of the administrator's screenshots mended in the markup
(issue 16): the long navigation's marker, the admin's user tools, a group of
checkboxes as a fieldset, a recompute's periods by name and a scenario's state
as a badge. The layout itself is checked in a browser (tests/e2e/test_admin_layout.py)."""

import datetime

import pytest
from django.utils import timezone

from kpis.models import KpiJob
from onboarding.demo import load_reference_data
from onboarding.models import DrillScenario

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return html[html.index('<header class="topbar') : html.index("</header>")]


def test_only_a_navigation_too_long_for_one_row_beside_the_brand_is_marked(client, org):
    client.force_login(org.admin)
    assert '<header class="topbar nav-long">' in header(client.get("/audit/").content.decode())
    client.force_login(org.executive)
    assert '<header class="topbar">' in header(client.get("/dashboard/").content.decode())


def test_the_admins_user_tools_have_no_second_way_to_the_site_and_wrap_in_two_groups(client, org):
    client.force_login(org.admin)
    html = client.get("/admin/").content.decode()
    tools = html[html.index('<div id="user-tools">') : html.index("</header>")]
    assert "View site" not in tools
    assert tools.count('class="user-tools-group"') == 2
    assert "Change password" in tools and "Log out" in tools
    assert "← Back to Installer Ops" in tools
    # The password page keeps Django's own links (no link to itself), in the same group.
    page = client.get("/admin/password_change/").content.decode()
    tools = page[page.index('<div id="user-tools">') : page.index("</header>")]
    assert tools.count('class="user-tools-group"') == 2 and "Log out" in tools
    assert 'href="/admin/password_change/"' not in tools


def test_a_group_of_checkboxes_is_a_fieldset_named_by_its_legend(client, org):
    client.force_login(org.admin)
    html = client.get("/kpis/recompute/").content.decode()
    assert "<fieldset><legend>Periods</legend>" in html
    assert '<label for="id_grains">' not in html


def test_a_recompute_names_its_periods_as_the_form_does(client, org):
    today = timezone.localdate()
    job = KpiJob.objects.create(since=today - datetime.timedelta(days=7), until=today, grains=["week", "quarter"])
    client.force_login(org.admin)
    html = client.get(f"/kpis/recompute/?job={job.pk}").content.decode()
    assert "· ISO week, Quarter</p>" in html


def test_a_scenario_shows_its_state_as_the_list_does(client, org):
    load_reference_data()
    scenario = DrillScenario.objects.get(code="node-offline")
    client.force_login(org.admin)
    html = client.get(f"/library/scenarios/{scenario.pk}/").content.decode()
    assert '<span class="badge ok">Active</span>' in html
