"""The audit log page: the API's filters, paginated, changes as field: old → new
in words, an Export CSV link with the same filters; administrators only."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from installer_ops.audit import audit_record, audit_record_event
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db
URL = "/audit/"


@pytest.fixture
def entries(org):
    promoted = audit_record(
        actor=org.lead_a,
        source="page",
        action="promote",
        target=org.installer_a1,
        changes={"level": (1, 2), "effective_on": "2026-02-01"},
    )
    created = audit_record(
        actor=org.admin, source="api", action="create", target=org.pod_b, changes={"code": "pod-b", "pods": [1, 2]}
    )
    system = audit_record(actor=None, source="job", action="update", target=org.pod_a, changes={"name": ("A", "B")})
    return promoted, created, system


def test_an_administrator_reads_every_entry_with_its_changes_readable(client, org, entries):
    client.force_login(org.admin)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 entries" in html
    # Each change in words: the field's label, a level by its name, a date in the page's format.
    assert (
        '<span class="change-field">Level</span>: <span class="before">Installer I</span> → '
        '<span class="after">Installer II</span>' in html
    )
    assert '<span class="change-field">Effective on</span>: 1 Feb 2026' in html
    # A creation's list is a value, not a before and after.
    assert '<span class="change-field">Pods</span>: 1, 2' in html
    # The installer's name links to their page; a pod does not.
    assert f'<a href="/org/installers/{org.installer_a1.pk}/">{org.installer_a1}</a>' in html
    assert "System" in html


def test_the_filters_are_the_apis_and_the_csv_link_carries_them(client, org, entries):
    client.force_login(org.admin)
    response = client.get(URL, {"object_type": "installer", "object_id": str(org.installer_a1.pk)})
    html = response.content.decode()
    assert "1 entry" in html and '<td data-label="Action">Promote</td>' in html and "pod-b" not in html
    assert f'href="/api/v1/audit-log/?object_type=installer&amp;object_id={org.installer_a1.pk}&amp;format=csv"' in html
    assert "1 entry" in client.get(URL, {"actor": org.admin.pk}).content.decode()
    assert "1 entry" in client.get(URL, {"source": "job"}).content.decode()
    assert "1 entry" in client.get(URL, {"action": "create"}).content.decode()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "0 entries" in client.get(URL, {"since": tomorrow}).content.decode()
    assert "3 entries" in client.get(URL, {"until": tomorrow}).content.decode()
    # The export answers the same rows.
    csv = client.get(f"/api/v1/audit-log/?object_type=installer&object_id={org.installer_a1.pk}&format=csv")
    assert csv.status_code == 200
    assert len(csv.content.decode().strip().splitlines()) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"source": "carrier-pigeon"}, "source"),
        ({"actor": "10" * 20}, "actor"),
        ({"since": "yesterday"}, "since"),
        ({"until": "0778-01-01T00:00-20:55"}, "until"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_error_under_its_field(client, org, entries, params, field):
    client.force_login(org.admin)
    response = client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert "0 entries" in html


def test_the_log_is_paginated_with_the_filters_kept(client, org):
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(source="system", action="update", object_type="pod", object_id=str(n), object_repr=f"Pod {n}")
            for n in range(60)
        ]
    )
    client.force_login(org.admin)
    first = client.get(URL, {"source": "system"}).content.decode()
    assert "Page 1 of 2" in first and 'href="?source=system&amp;page=2"' in first
    second = client.get(URL, {"source": "system", "page": 2}).content.decode()
    assert "Page 2 of 2" in second and second.count("<tr>") == 1 + 10


def test_the_page_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.admin)

    def add(n):
        for index in range(n):
            audit_record(actor=org.admin, source="page", action="update", target=org.pod_a, changes={"i": (index, 1)})

    add(2)
    client.get(URL)  # warm the session and the content types
    # The session, the user, the role, the reader's time zone (installer_ops/time_zones.py), the page of entries.
    with django_assert_num_queries(5) as small:
        client.get(URL)
    add(30)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(URL)


def test_an_empty_log_says_so(client, org):
    client.force_login(org.admin)
    assert "Nothing has been recorded yet." in client.get(URL).content.decode()
    assert "No entry matches these filters." in client.get(URL, {"action": "x"}).content.decode()


@pytest.mark.parametrize("who", ["lead_a", "executive"])
def test_everyone_but_administrators_gets_a_403(client, org, who):
    client.force_login(getattr(org, who))
    assert client.get(URL).status_code == 403


def test_an_installer_gets_a_403(client, org):
    client.force_login(org.installer_a1.user)
    assert client.get(URL).status_code == 403


def test_values_read_as_the_other_pages_show_them_not_as_stored(client, org):
    """The page showed "pod: 5", "internal_transfer", "2026-11-22 07:38:42.657382+00:00"
    and an import's counts as a Python dict: what the audit stores, not what a person reads."""
    audit_record(
        actor=org.admin,
        source="page",
        action="update",
        target=org.installer_a1,
        changes={"pod": (org.pod_a.pk, org.pod_b.pk), "hiring_source": ("", "internal_transfer")},
    )
    audit_record(
        actor=None,
        source="command",
        action="schedule drill",
        target=org.installer_a1,
        changes={"scheduled_for": "2026-11-22 07:38:42.657382+00:00", "passed": True},
    )
    # A mentor is an installer the services record by id under a name that is not a field.
    audit_record(
        actor=org.lead_a,
        source="page",
        action="assign mentor",
        target=org.installer_a1,
        changes={"mentor": org.installer_a2},
    )
    audit_record_event(
        actor=None,
        action="import",
        object_type="field data import",
        object_id="run-1",
        object_repr="audits, visits",
        changes={"created": {"audits": 229, "visits": 1352}},
    )
    client.force_login(org.admin)
    html = client.get(URL).content.decode()
    assert (
        '<span class="change-field">Pod</span>: <span class="before">Pod A</span> → '
        '<span class="after">Pod B</span>' in html
    )
    assert (
        '<span class="change-field">Hiring source</span>: <span class="before">—</span> → '
        '<span class="after">Internal transfer</span>' in html
    )
    assert '<span class="change-field">Scheduled for</span>: 22 Nov 2026, 07:38 UTC' in html
    assert '<span class="change-field">Passed</span>: yes' in html
    assert f'<span class="change-field">Mentor</span>: {escape(str(org.installer_a2))}' in html
    assert '<span class="change-field">Created</span>: audits 229, visits 1352' in html
    table = html[html.index('<table class="audit-table">') : html.index("</table>")]
    assert "internal_transfer" not in table and "07:38:42" not in table and "{'" not in table


def test_naming_records_by_id_costs_one_query_per_kind_of_record(client, org, django_assert_num_queries):
    client.force_login(org.admin)

    def add(n):
        for _ in range(n):
            audit_record(
                actor=org.admin,
                source="page",
                action="update",
                target=org.installer_a1,
                changes={"pod": (org.pod_a.pk, org.pod_b.pk)},
            )

    add(2)
    client.get(URL)
    with django_assert_num_queries(6) as small:  # the five of a plain page, and the pods' names
        client.get(URL)
    add(30)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(URL)


def test_the_record_type_and_action_are_picked_by_name_and_filter_on_the_stored_value(client, org, entries):
    client.force_login(org.admin)
    html = client.get(URL).content.decode()
    assert '<option value="kpitarget">KPI target</option>' in html
    assert '<option value="promote">Promote</option>' in html
    assert '<option value="field data import">Field data import</option>' in html
    picked = client.get(URL, {"object_type": "installer", "action": "promote"}).content.decode()
    assert "1 entry" in picked
    assert '<option value="installer" selected>Installer</option>' in picked
    # A value no list holds (typed into the address) is still shown as the filter in force.
    odd = client.get(URL, {"action": "x"}).content.decode()
    assert '<option value="x" selected>x</option>' in odd and "0 entries" in odd
    org.admin.language = "de"
    org.admin.save(update_fields=["language"])
    german = client.get(URL).content.decode()
    assert '<option value="installer">Installateur</option>' in german
    assert '<option value="promote">Befördern</option>' in german
