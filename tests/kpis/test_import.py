import datetime
import textwrap

import pytest
from django.core.management import CommandError, call_command

from installer_ops.models import Installer, Level, Pod, Promotion, Stage
from kpis.importing import ImportRefused, field_data_import
from kpis.models import Audit, Incident, Install, Node, Visit
from kpis.periods import kpi_zone

pytestmark = pytest.mark.django_db


def csv(text: str) -> str:
    return textwrap.dedent(text).lstrip()


GOOD = {
    "pods.csv": csv("""
        code,name,vertical,geography
        berlin-retail,Berlin Retail,Retail,Europe
        lagos-logistics,Lagos Logistics,Logistics,West Africa
    """),
    "installers.csv": csv("""
        employee_id,name,pod_code,level,hired_on,left_on,left_voluntarily
        E-1,Ada Lovelace,berlin-retail,senior-installer,2024-01-08,,
        E-2,Kofi Annan,lagos-logistics,installer-1,2024-06-03,2025-02-28,yes
    """),
    "promotions.csv": csv("""
        employee_id,from_level,to_level,effective_on
        E-1,installer-1,installer-2,2024-07-01
        E-1,installer-2,senior-installer,2025-03-01
    """),
    "nodes.csv": csv("""
        serial,site,pod_code,installed_by,installed_on
        N-100,Alexanderplatz store,berlin-retail,E-1,2024-09-12
    """),
    "installs.csv": csv("""
        install_id,site,pod_code,installer
        I-1,Alexanderplatz store,berlin-retail,E-1
    """),
    "visits.csv": csv("""
        install_id,visited_at,outcome
        I-1,2024-09-12T09:30:00,success
        I-1,2024-09-20T14:00:00+02:00,partial
    """),
    "incidents.csv": csv("""
        incident_id,node_serial,severity,opened_at,resolved_at
        INC-1,N-100,sev2,2024-10-01T08:00:00Z,2024-10-01T11:30:00Z
        INC-2,N-100,sev3,2024-11-05T10:00:00Z,
    """),
    "audits.csv": csv("""
        audit_id,pod_code,installer,audited_on,passed,findings
        A-1,berlin-retail,E-1,2024-10-15,true,
        A-2,lagos-logistics,,2024-10-16,no,Consent signage missing
    """),
}


def counts():
    return (
        Pod.objects.count(),
        Installer.objects.count(),
        Promotion.objects.count(),
        Node.objects.count(),
        Install.objects.count(),
        Visit.objects.count(),
        Incident.objects.count(),
        Audit.objects.count(),
    )


def test_a_good_import_writes_everything_and_a_second_changes_nothing():
    report = field_data_import(actor=None, files=GOOD)
    assert counts() == (2, 2, 2, 1, 1, 2, 2, 2)
    ada = Installer.objects.get(employee_id="E-1")
    assert (ada.level, ada.user.name, ada.pod.code) == (Level.SENIOR_INSTALLER, "Ada Lovelace", "berlin-retail")
    kofi = Installer.objects.get(employee_id="E-2")
    assert (kofi.stage, kofi.left_on, kofi.left_voluntarily) == (Stage.LEFT, datetime.date(2025, 2, 28), True)
    visits = list(Visit.objects.order_by("visited_at").values_list("visited_at", flat=True))
    assert visits[0] == datetime.datetime(2024, 9, 12, 9, 30, tzinfo=datetime.UTC)  # no offset means UTC
    assert visits[1] == datetime.datetime(2024, 9, 20, 12, 0, tzinfo=datetime.UTC)
    assert Incident.objects.get(external_id="INC-2").resolved_at is None
    # INC-2 is still open: it is counted at the end of every period up to today.
    assert report.touched == (datetime.date(2024, 9, 12), datetime.datetime.now(kpi_zone()).date())
    assert Pod.objects.get(code="lagos-logistics").geography.name == "West Africa"  # created when new

    again = field_data_import(actor=None, files=GOOD)
    assert counts() == (2, 2, 2, 1, 1, 2, 2, 2)
    assert sum(again.created.values()) == 0 and sum(again.updated.values()) == 0


def test_a_later_import_updates_what_changed():
    field_data_import(actor=None, files=GOOD)
    resolved = {
        "incidents.csv": GOOD["incidents.csv"].replace(
            "2024-11-05T10:00:00Z,", "2024-11-05T10:00:00Z,2024-11-05T16:00:00Z"
        )
    }
    report = field_data_import(actor=None, files=resolved)
    assert report.updated["incidents"] == 1 and report.unchanged["incidents"] == 1
    assert Incident.objects.get(external_id="INC-2").resolved_at is not None


def test_a_bad_date_an_unknown_pod_and_a_duplicate_id_are_refused_as_a_whole():
    files = {
        **GOOD,
        "nodes.csv": csv("""
            serial,site,pod_code,installed_by,installed_on
            N-100,Alexanderplatz store,berlin-retail,E-1,12/09/2024
            N-101,Harbour gate,nowhere-pod,,2024-09-13
            N-100,Duplicate,berlin-retail,,2024-09-14
        """),
    }
    with pytest.raises(ImportRefused) as refused:
        field_data_import(actor=None, files=files)
    assert [str(e) for e in refused.value.errors] == [
        "nodes.csv:2: installed_on: “12/09/2024” is not an ISO 8601 date (YYYY-MM-DD)",
        "nodes.csv:3: pod_code: unknown pod “nowhere-pod”",
        "nodes.csv:4: serial: duplicate “N-100”, first on line 2",
    ]
    assert counts() == (0, 0, 0, 0, 0, 0, 0, 0)


def test_every_kind_of_row_error_is_reported_with_file_line_and_column():
    files = {
        "installers.csv": "employee_id,name,pod_code,level,hired_on\nE-9,X,p,installer-1,2024-01-01\n",
        "audits.csv": csv("""
            audit_id,pod_code,installer,audited_on,passed,findings
            A-1,,E-404,2024-10-15,maybe,
        """),
        "visits.csv": csv("""
            install_id,visited_at,outcome
            I-404,yesterday,splendid
        """),
        "incidents.csv": csv("""
            incident_id,node_serial,severity,opened_at,resolved_at
            INC-9,N-404,sev9,2024-10-02T10:00:00Z,2024-10-01T10:00:00Z
        """),
    }
    with pytest.raises(ImportRefused) as refused:
        field_data_import(actor=None, files=files)
    found = {(e.file, e.line, e.column) for e in refused.value.errors}
    assert ("installers.csv", 1, "left_on") in found and ("installers.csv", 1, "left_voluntarily") in found
    assert {("audits.csv", 2, "pod_code"), ("audits.csv", 2, "installer"), ("audits.csv", 2, "passed")} <= found
    assert {("visits.csv", 2, "install_id"), ("visits.csv", 2, "visited_at"), ("visits.csv", 2, "outcome")} <= found
    assert {("incidents.csv", 2, "node_serial"), ("incidents.csv", 2, "severity")} <= found


def test_a_promotion_that_contradicts_the_ladder_rolls_everything_back():
    files = {
        **GOOD,
        "promotions.csv": GOOD["promotions.csv"].replace(
            "E-1,installer-2,senior-installer", "E-1,installer-1,senior-installer"
        ),
    }
    with pytest.raises(ImportRefused) as refused:
        field_data_import(actor=None, files=files)
    assert [str(e) for e in refused.value.errors] == [
        "promotions.csv:3: from_level: the installer is at installer-2 at that point",
    ]
    assert counts() == (0, 0, 0, 0, 0, 0, 0, 0)


def test_the_command(tmp_path, capsys):
    for name, text in GOOD.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    call_command("import_field_data", str(tmp_path))
    assert "nodes: 1 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    (tmp_path / "audits.csv").write_text(
        "audit_id,pod_code,installer,audited_on,passed,findings\nA-3,berlin-retail,,2024-13-01,true,\n"
    )
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_field_data", str(tmp_path))
    assert "audits.csv:2: audited_on:" in capsys.readouterr().err


def test_reimporting_unchanged_installers_runs_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PodFactory

    PodFactory(code="q-pod")
    counts = []
    for n in (5, 50):
        header = "employee_id,name,pod_code,level,hired_on,left_on,left_voluntarily\n"
        rows = "".join(f"Q{n}-{i},Person {i},q-pod,installer-1,2024-01-08,,\n" for i in range(n))
        field_data_import(actor=None, files={"installers.csv": header + rows})
        with CaptureQueriesContext(connection) as queries:
            report = field_data_import(actor=None, files={"installers.csv": header + rows})
        assert report.unchanged["installers"] == n and not report.updated["installers"]
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
