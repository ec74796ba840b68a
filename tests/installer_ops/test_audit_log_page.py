"""The audit log page: the API's filters, paginated, changes as field: old → new,
an Export CSV link with the same filters; administrators only."""

import datetime

import pytest
from django.utils import timezone

from installer_ops.audit import audit_record
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
    assert (
        '<span class="change-field">level</span>: <span class="before">1</span> → <span class="after">2</span>' in html
    )
    assert '<span class="change-field">effective_on</span>: 2026-02-01' in html
    # A creation's list is a value, not a before and after.
    assert '<span class="change-field">pods</span>: [1, 2]' in html
    # The installer's name links to their page; a pod does not.
    assert f'<a href="/org/installers/{org.installer_a1.pk}/">{org.installer_a1}</a>' in html
    assert "System" in html


def test_the_filters_are_the_apis_and_the_csv_link_carries_them(client, org, entries):
    client.force_login(org.admin)
    response = client.get(URL, {"object_type": "installer", "object_id": str(org.installer_a1.pk)})
    html = response.content.decode()
    assert "1 entry" in html and "promote" in html and "pod-b" not in html
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
