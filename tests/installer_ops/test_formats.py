"""Dates, times and numbers: one format per kind, in the reader's geography's
time zone (installer_ops/formats/, installer_ops/time_zones.py), plurals
through ngettext and refusals joined as sentences (installer_ops/page_errors.py)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from installer_ops.exceptions import DomainConflict
from installer_ops.page_errors import domain_error_text
from installer_ops.roles import Role
from installer_ops.time_zones import UserTimeZoneMiddleware, time_zone_name_of
from onboarding import services as onboarding_services
from tests.factories import GeographyFactory, InstallerFactory, PodFactory, UserFactory, lead_of

ROOT = Path(settings.BASE_DIR)
APPS = ("installer_ops", "bootcamp", "onboarding", "kpis")
# 18 Nov 2026 13:05 UTC: 14:05 in Berlin (CET, no summer time in November), 22:05 in Tokyo.
MOMENT = datetime.datetime(2026, 11, 18, 13, 5, tzinfo=datetime.UTC)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_lead_in_berlin_reads_a_drill_time_in_cet_with_its_zone(client, onboarding):
    o = onboarding
    assert o.b.pod_a.geography.time_zone == "Europe/Berlin"
    onboarding_services.drill_schedule(actor=o.lead, installer=o.installer, scenario=o.scenario, scheduled_for=MOMENT)
    client.force_login(o.lead)
    page = text(client.get(reverse("onboarding-installer", args=[o.installer.pk])))
    assert '<time datetime="2026-11-18T14:05:00+01:00">18 Nov 2026, 14:05 CET</time>' in page
    assert "13:05" not in page
    assert "In your time zone, Europe/Berlin." in page  # under the drill form's time


def test_a_time_a_lead_types_is_read_in_their_zone(client, onboarding):
    o = onboarding
    client.force_login(o.lead)
    client.post(
        reverse("onboarding-drill", args=[o.installer.pk]),
        {"scenario": o.scenario.pk, "scheduled_for": "2026-11-18T14:05"},
    )
    assert o.installer.drills.get().scheduled_for == MOMENT


def test_an_installer_in_tokyo_reads_times_in_jst(client, db):
    tokyo = GeographyFactory(code="jp", time_zone="Asia/Tokyo")
    installer = InstallerFactory(pod=PodFactory(geography=tokyo))
    Token.objects.filter(pk=Token.objects.create(user=installer.user).pk).update(created=MOMENT)
    client.force_login(installer.user)
    page = text(client.get(reverse("account")))
    assert "18 Nov 2026, 22:05 JST" in page
    # The zone lasts for the request only: the thread's next one starts from UTC again.
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


@pytest.mark.parametrize(("path", "zone"), [("/lead/", "Asia/Tokyo"), ("/api/v1/sync/", "UTC")])
def test_pages_run_in_the_persons_zone_and_the_api_in_utc(rf, db, path, zone):
    installer = InstallerFactory(pod=PodFactory(geography=GeographyFactory(code="jp", time_zone="Asia/Tokyo")))
    request = rf.get(path)
    request.user = installer.user
    seen = []
    UserTimeZoneMiddleware(lambda request: seen.append(timezone.get_current_timezone_name()))(request)
    assert seen == [zone] and request.time_zone == zone
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_who_reads_which_zone_in_one_query(db, django_assert_num_queries):
    berlin = PodFactory()  # the factory's geography: Europe/Berlin
    tokyo = PodFactory(geography=GeographyFactory(code="jp", time_zone="Asia/Tokyo"))
    chicago = PodFactory(geography=GeographyFactory(code="us", time_zone="America/Chicago"))
    lead = lead_of(tokyo)
    with django_assert_num_queries(1):
        assert time_zone_name_of(lead) == "Asia/Tokyo"
    with django_assert_num_queries(0):  # cached on the user for the rest of the request
        assert time_zone_name_of(lead) == "Asia/Tokyo"
    assert time_zone_name_of(lead_of(berlin, PodFactory(geography=berlin.geography))) == "Europe/Berlin"
    # Pods in two zones have no one local time: UTC, and every time names it.
    assert time_zone_name_of(lead_of(PodFactory(geography=tokyo.geography), chicago)) == "UTC"
    assert time_zone_name_of(UserFactory(role=Role.EXECUTIVE)) == "UTC"
    assert time_zone_name_of(InstallerFactory(pod=chicago).user) == "America/Chicago"


def test_a_date_reads_the_same_on_two_pages(client, org):
    installer = org.installer_a1
    installer.hired_on = datetime.date(2026, 11, 18)
    installer.save(update_fields=["hired_on"])
    client.force_login(installer.user)
    own = text(client.get(reverse("my-record")))
    client.force_login(org.lead_a)
    person = text(client.get(reverse("installer-detail", args=[installer.pk])))
    for page in (own, person):
        assert "18 Nov 2026" in page
        assert "Nov. 18, 2026" not in page and "2026-11-18<" not in page


def test_the_formats_are_one_per_kind():
    rendered = Template(
        "{% load time_tags %}{{ day }}|{{ day|date }}|{{ moment|date:'DATETIME_FORMAT' }}|{{ moment|time }}|"
        "{{ day|when }}|{{ day|date_range:end }}"
    ).render(Context({"day": datetime.date(2026, 11, 18), "end": datetime.date(2026, 12, 4), "moment": MOMENT}))
    assert rendered.split("|") == [
        "18 Nov 2026",
        "18 Nov 2026",
        "18 Nov 2026, 13:05 UTC",
        "13:05 UTC",
        '<time datetime="2026-11-18">18 Nov 2026</time>',
        '<time datetime="2026-11-18">18 Nov</time> – <time datetime="2026-12-04">4 Dec 2026</time>',
    ]


@pytest.mark.parametrize(
    ("language", "moment", "time"),
    [
        ("de", "18. November 2026, 14:05 CET", "14:05 CET"),
        ("es", "18 de noviembre de 2026, 14:05 CET", "14:05 CET"),
        ("fr", "18 novembre 2026, 14:05 CET", "14:05 CET"),
        ("ja", "2026年11月18日 14:05 CET", "14:05 CET"),
    ],
)
def test_a_time_names_its_zone_in_every_language(language, moment, time):
    with translation.override(language), timezone.override("Europe/Berlin"):
        rendered = Template(
            "{{ moment|date:'DATETIME_FORMAT' }}|{{ moment|time }}|{{ moment|date:'SHORT_DATETIME_FORMAT' }}"
        )
        shown = rendered.render(Context({"moment": timezone.localtime(MOMENT)})).split("|")
    assert shown[:2] == [moment, time]
    assert shown[2].endswith(" 14:05 CET")
    assert sorted(code for code, _name in settings.LANGUAGES) == sorted(["en", "de", "es", "fr", "ja"])


def test_figures_group_thousands_and_ids_stay_bare():
    """A figure people read groups its thousands; a bare {{ value }} is not
    grouped, since it also renders ids and years into links and attributes."""
    rendered = Template('{{ n|floatformat:"g" }}|{{ n }}|{{ rate|floatformat:"1g" }}').render(
        Context({"n": 12345, "rate": 1234.56})
    )
    assert rendered == "12,345|12345|1,234.6"


def _sources(*suffixes: str):
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if path.suffix in suffixes and "migrations" not in path.parts and "vendor" not in path.parts:
                yield path


def test_no_template_or_message_pluralises_with_s_in_brackets():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources(".py", ".html", ".txt", ".js")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "(s)" in line
    ]
    assert not found, "use ngettext or {% blocktranslate count %}: " + ", ".join(found)


# A date filter with its own pattern: every kind has one named format instead
# (DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, MONTH_DAY_FORMAT, ...). ISO 8601
# ("c", "Y-m-d") is for machines: attributes, links, <time datetime>.
AD_HOC_DATE = re.compile(r"""\|(?:date|time):\s*["'](?![A-Z_]+_FORMAT["'])(?!c["'])(?!Y-m-d["'])[^"']*["']""")
# ... and ISO shown to people: as an element's text or inside a translated sentence.
ISO_SHOWN = re.compile(r"""(>\{\{[^}]*\|date:\s*["']Y-m-d["']\s*\}\}<)|(blocktranslate[^%]*\|date:\s*["']Y-m-d)""")


def test_no_template_formats_a_date_its_own_way():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {match.group(0)}"
        for path in _sources(".html", ".txt")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for pattern in (AD_HOC_DATE, ISO_SHOWN)
        for match in pattern.finditer(line)
    ]
    assert not found, found


def test_no_template_says_utc_by_hand():
    """Times name their zone through DATETIME_FORMAT, in the reader's zone; a
    hard-written "UTC" beside a converted time would be wrong."""
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _sources(
            ".html",
        )
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\}\}\s*UTC|\(UTC\)", line)
    ]
    assert not found, found


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        (["Ada cannot be cleared yet.", "Drill: none yet."], "Ada cannot be cleared yet. Drill: none yet."),
        (["Check the kit;", "Sign off first"], "Check the kit. Sign off first."),
        (["Still running?", "Wait…"], "Still running? Wait…"),
    ],
)
def test_a_joined_refusal_reads_as_sentences(messages, expected):
    joined = domain_error_text(ValidationError(messages))
    assert joined == expected
    assert ".;" not in joined and "?." not in joined and ".." not in joined


def test_a_refused_clearance_lists_each_kit_problem_as_a_sentence(onboarding):
    o = onboarding
    o.issue_kit(acknowledge=False)
    with pytest.raises(DomainConflict) as refused:
        onboarding_services.installer_clear(actor=o.lead, installer=o.installer)
    joined = domain_error_text(refused.value)
    assert "Runbook v1 is not acknowledged yet. Playbook v1 is not acknowledged yet." in joined
    assert ".;" not in joined and "; " not in joined
    assert "drills failed" not in joined and "(s)" not in joined
