"""The lead's queue (/lead/queue/): what awaits a lead across their cohorts
and pods, in a fixed number of queries, and the bulk sign-off from it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bootcamp import services as bootcamp_services
from bootcamp.evidence_selectors import evidence_url
from bootcamp.models import Evidence, ItemState, Program
from installer_ops.models import Level, Stage
from installer_ops.roles import Role
from onboarding.demo import load_reference_data
from onboarding.models import Clearance, Day1Kit, DrillOutcome, DrillScenario, OutageDrill, ShadowAssignment, ShadowDay
from tests.bootcamp.fixtures import tablet_check
from tests.bootcamp.photos import photo_for
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

pytestmark = pytest.mark.django_db
URL = "/lead/queue/"
MODULES = [
    {
        "title": "Provisioning",
        "first_day": 1,
        "last_day": 5,
        "items": [
            {"title": "Flash the base image", "kind": "task"},
            {"title": "Enrol a node", "kind": "practical", "needs_signoff": True, "needs_evidence": True},
            {"title": "Verify face redaction", "kind": "practical", "needs_signoff": True},
        ],
    }
]


class World:
    """A program, two pods with a lead each, and a way to fill either pod's queue."""

    def __init__(self):
        program = Program.objects.create(code="queue-bootcamp", title="Queue bootcamp")
        version = bootcamp_services.program_version_create(actor=None, program=program, working_days=5, modules=MODULES)
        self.version = bootcamp_services.program_version_publish(actor=None, version=version) or version
        self.version.refresh_from_db()
        self.items = list(self.version.modules.get().items.order_by("position"))
        self.profile, (self.runbook, self.playbook) = load_reference_data()
        self.scenario = DrillScenario.objects.get(code="node-offline")
        self.pod_a, self.pod_b = PodFactory(name="Pod A"), PodFactory(name="Pod B")
        self.lead_a, self.lead_b = lead_of(self.pod_a), lead_of(self.pod_b)
        self.serial = 0

    def fill(self, pod, lead, n: int, prefix: str, photos: bool = True):
        """n rows of each kind in `pod`: items awaiting sign-off, shadow days
        to confirm, drills to run, kits to reprint, clearances expiring. The
        item checked needs a photo: its upload has arrived, unless `photos`
        is False (then the item waits for it, and is not signable yet)."""
        installers = [InstallerFactory(pod=pod, user__name=f"{prefix} {i:02d}") for i in range(n)]
        mentor = InstallerFactory(pod=pod, level=Level.SENIOR_INSTALLER, user__name=f"{prefix} Mentor")
        cohort = bootcamp_services.cohort_create(
            actor=None,
            name=f"{prefix} cohort",
            program_version=self.version,
            start_on=timezone.localdate(),
            lead=lead,
            pods=[pod],
            capacity=50,
        )
        enrollments = bootcamp_services.enrollment_bulk_create(actor=None, cohort=cohort, installers=installers)
        now = timezone.now()
        for i, (installer, enrollment) in enumerate(zip(installers, enrollments, strict=True)):
            tablet_check(enrollment, self.items[1])
            if photos:
                photo_for(enrollment, self.items[1])
            assignment = ShadowAssignment.objects.create(installer=installer, mentor=mentor, assigned_by=lead)
            ShadowDay.objects.create(assignment=assignment, day=timezone.localdate(), site=f"Site {i}")
            OutageDrill.objects.create(
                installer=installer,
                scenario=self.scenario,
                scheduled_for=now + datetime.timedelta(days=i - n // 2),
                run_by=lead,
            )
            self.serial += 1
            Day1Kit.objects.create(
                installer=installer,
                device_serial=f"NODE-{self.serial:04d}",
                profile=self.profile,
                runbook_version=self.runbook,
                playbook_version=self.playbook,
                issued_by=lead,
                issued_at=now,
                reprint_needed_since=now,
            )
            Clearance.objects.create(
                installer=installer,
                cleared_by=lead,
                cleared_at=now,
                valid_until=timezone.localdate() + datetime.timedelta(days=i % 30),
            )
        return installers, enrollments


@pytest.fixture
def world(db):
    return World()


def sizes(queue) -> list[int]:
    return [
        queue.signoffs.paginator.count,
        len(queue.shadow_days.rows),
        len(queue.drills.rows),
        len(queue.kits.rows),
        len(queue.clearances.rows),
        len(queue.awaiting_photo.rows),
    ]


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_the_queue_runs_the_same_queries_for_2_and_for_20_rows_of_each_kind(
    client, world, who, django_assert_num_queries
):
    user = world.lead_a if who == "lead" else UserFactory(role=Role.ADMIN)
    # Half the installers' photos have arrived (signable, with thumbnails), half not (waiting).
    world.fill(world.pod_a, world.lead_a, 2, "Early")
    world.fill(world.pod_a, world.lead_a, 2, "Early waiting", photos=False)
    client.force_login(user)
    client.get(URL)  # the session's first touches are not the page's
    with CaptureQueriesContext(connection) as small:
        response = client.get(URL)
    assert sizes(response.context["queue"]) == [2, 4, 4, 4, 4, 2]

    world.fill(world.pod_a, world.lead_a, 18, "Later")
    world.fill(world.pod_a, world.lead_a, 18, "Later waiting", photos=False)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert sizes(response.context["queue"]) == [20, 40, 40, 40, 40, 20]
    assert len(small.captured_queries) <= 15


def test_another_leads_pods_never_appear(client, world):
    world.fill(world.pod_a, world.lead_a, 2, "Mine")
    world.fill(world.pod_b, world.lead_b, 2, "Theirs")
    # A cohort of lead A's that also trains pod B: pod B's installers are still lead B's to sign off.
    shared = bootcamp_services.cohort_create(
        actor=None,
        name="Shared cohort",
        program_version=world.version,
        start_on=timezone.localdate(),
        lead=world.lead_a,
        pods=[world.pod_a, world.pod_b],
        capacity=10,
    )
    (crossing,) = bootcamp_services.enrollment_bulk_create(
        actor=None, cohort=shared, installers=[InstallerFactory(pod=world.pod_b, user__name="Theirs Crossing")]
    )
    tablet_check(crossing, world.items[1])
    photo_for(crossing, world.items[1])

    client.force_login(world.lead_a)
    body = client.get(URL).content.decode()
    assert "Mine 00" in body and "Mine Mentor" in body
    assert "Theirs" not in body

    client.force_login(world.lead_b)
    body = client.get(URL).content.decode()
    assert "Theirs 01" in body and "Theirs Crossing" in body
    assert "Mine" not in body

    client.force_login(UserFactory(role=Role.ADMIN))
    queue = client.get(URL).context["queue"]
    assert queue.signoffs.paginator.count == 5 and len(queue.kits.rows) == 4


@pytest.mark.parametrize("role", [Role.INSTALLER, Role.EXECUTIVE])
def test_installers_and_executives_are_refused(client, world, role):
    world.fill(world.pod_a, world.lead_a, 1, "Mine")
    user = InstallerFactory(pod=world.pod_a).user if role == Role.INSTALLER else UserFactory(role=role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    enrollment = ItemState.objects.first().enrollment_id
    assert client.post(reverse("lead-queue-signoffs"), {"signoff": f"{enrollment}:1"}).status_code == 403
    assert not ItemState.objects.filter(signed_off=True).exists()


def test_only_what_still_awaits_is_listed(client, world):
    installers, enrollments = world.fill(world.pod_a, world.lead_a, 4, "Person")
    now = timezone.now()
    # Person 00: item signed off, shadow day confirmed, drill run, kit reprinted, clearance renewed.
    bootcamp_services.enrollment_signoff_record(
        actor=world.lead_a, enrollment=enrollments[0], item=world.items[1], action="sign_off"
    )
    ShadowDay.objects.filter(assignment__installer=installers[0]).update(confirmed_at=now)
    OutageDrill.objects.filter(installer=installers[0]).update(
        outcome=DrillOutcome.PASSED, attempt=1, completed_at=now, minutes_to_recover=10
    )
    Day1Kit.objects.filter(installer=installers[0]).update(reprint_needed_since=None)
    Clearance.objects.create(
        installer=installers[0],
        cleared_by=world.lead_a,
        cleared_at=now + datetime.timedelta(minutes=1),
        valid_until=timezone.localdate() + datetime.timedelta(days=365),
    )
    # Person 01 has left; person 02's enrollment is withdrawn; person 03's clearance lapsed last week.
    installers[1].stage, installers[1].left_on, installers[1].left_voluntarily = Stage.LEFT, timezone.localdate(), True
    installers[1].save(update_fields=["stage", "left_on", "left_voluntarily"])
    enrollments[2].withdrawn_at = now
    enrollments[2].save(update_fields=["withdrawn_at"])
    Clearance.objects.filter(installer=installers[3]).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=7)
    )

    client.force_login(world.lead_a)
    response = client.get(URL)
    queue = response.context["queue"]
    assert [g.installer.name for g in queue.signoff_groups] == ["Person 03"]
    assert [d.assignment.installer.name for d in queue.shadow_days.rows] == ["Person 02", "Person 03"]
    assert [d.installer.name for d in queue.drills.rows] == ["Person 02", "Person 03"]
    assert [k.installer.name for k in queue.kits.rows] == ["Person 02", "Person 03"]
    assert [c.installer.name for c in queue.clearances.rows] == ["Person 03", "Person 02"]
    assert "Lapsed" in response.content.decode()


def test_overdue_drills_come_first_and_say_so(client, world):
    installers, _enrollments = world.fill(world.pod_a, world.lead_a, 1, "Person")
    now = timezone.now()
    OutageDrill.objects.filter(installer=installers[0]).update(scheduled_for=now + datetime.timedelta(days=3))
    late = OutageDrill.objects.create(
        installer=installers[0],
        scenario=world.scenario,
        scheduled_for=now - datetime.timedelta(days=2),
        run_by=world.lead_a,
    )
    client.force_login(world.lead_a)
    response = client.get(URL)
    queue = response.context["queue"]
    assert queue.drills.rows[0] == late and queue.overdue_drill_ids == {late.pk}
    assert response.content.decode().count(">Overdue<") == 1


def test_each_entry_links_to_where_it_is_done(client, world):
    installers, enrollments = world.fill(world.pod_a, world.lead_a, 1, "Person")
    client.force_login(world.lead_a)
    body = client.get(URL).content.decode()
    person, enrollment = installers[0], enrollments[0]
    assert f'href="{reverse("installer-detail", args=[person.pk])}"' in body
    assert f'href="{reverse("onboarding-installer", args=[person.pk])}"' in body
    assert f'href="{reverse("lead-enrollment", args=[enrollment.pk])}#item-{world.items[1].pk}"' in body
    assert f'value="{enrollment.pk}:{world.items[1].pk}"' in body
    # The item needs evidence: its photo as a thumbnail linking to the full photo.
    photo = Evidence.objects.get(enrollment=enrollment, item=world.items[1])
    url = evidence_url(photo.pk)
    assert f'<a href="{url}"><img src="{url}"' in body
    assert f"Photo of “{world.items[1].title}” taken" in body


def test_an_item_that_needs_no_photo_says_so_in_words(client, world):
    """Its evidence cell read "—", which on a phone's card, under "Evidence",
    looked like a photo missing."""
    _installers, enrollments = world.fill(world.pod_a, world.lead_a, 1, "Person")
    tablet_check(enrollments[0], world.items[2])
    assert world.items[2].needs_signoff and not world.items[2].needs_evidence
    client.force_login(world.lead_a)
    body = client.get(URL).content.decode()
    assert body.count("No photo needed") == 1
    assert '<span class="muted">—</span>' not in body


def test_an_empty_queue_says_so(client, world):
    client.force_login(world.lead_a)
    body = client.get(URL).content.decode()
    assert "Nothing awaits you." in body and "No item awaits your sign-off." in body


def test_bulk_sign_off_from_the_page_reports_the_count_and_each_refusal(client, world):
    _mine, enrollments = world.fill(world.pod_a, world.lead_a, 3, "Mine")
    _theirs, their_enrollments = world.fill(world.pod_b, world.lead_b, 1, "Theirs")
    item = world.items[1]
    for enrollment in enrollments:
        tablet_check(enrollment, world.items[2])
    # Mine 02 checked the plain item too: not one that needs a sign-off.
    tablet_check(enrollments[2], world.items[0])
    ticked = [f"{e.pk}:{item.pk}" for e in enrollments] + [f"{enrollments[0].pk}:{world.items[2].pk}"]
    ticked += [f"{enrollments[2].pk}:{world.items[0].pk}", f"{their_enrollments[0].pk}:{item.pk}"]

    client.force_login(world.lead_a)
    response = client.post(reverse("lead-queue-signoffs"), {"signoff": ticked}, follow=True)

    body = response.content.decode()
    assert response.redirect_chain == [(URL, 302)]
    assert "4 items signed off." in body
    assert "Not signed off: Mine 02, “Flash the base image”: This item does not need a sign-off." in body
    assert "1 item is no longer in your queue." in body
    assert ItemState.objects.filter(signed_off=True).count() == 4
    assert not ItemState.objects.get(enrollment=their_enrollments[0], item=item).signed_off
    queue = response.context["queue"]
    assert [(g.installer.name, [s.item_id for s in g.states]) for g in queue.signoff_groups] == [
        ("Mine 01", [world.items[2].pk]),
        ("Mine 02", [world.items[2].pk]),
    ]


@pytest.mark.parametrize(
    "ticked",
    [[], ["x"], ["1:2:3"], ["99999999999999999999999:1"], ["-1:2"], ["١:٢"], ["1" * 5000 + ":1"]],
)
def test_bad_boxes_are_a_message_never_a_500(client, world, ticked):
    client.force_login(world.lead_a)
    response = client.post(reverse("lead-queue-signoffs"), {"signoff": ticked}, follow=True)
    assert response.status_code == 200
    assert "Select the items to sign off." in response.content.decode()


def test_the_sign_off_route_takes_posts_only(client, world):
    client.force_login(world.lead_a)
    assert client.get(reverse("lead-queue-signoffs")).status_code == 405


def test_a_bad_page_number_shows_the_first_or_last_page(client, world):
    world.fill(world.pod_a, world.lead_a, 1, "Person")
    client.force_login(world.lead_a)
    for page in ("x", "0", "99999999999999999999", "-3"):
        assert client.get(URL, {"page": page}).status_code == 200


def test_an_item_whose_photo_has_not_arrived_is_shown_waiting_and_is_not_signable(client, world):
    _arrived, with_photo = world.fill(world.pod_a, world.lead_a, 1, "Arrived")
    _waiting, without = world.fill(world.pod_a, world.lead_a, 1, "Waiting", photos=False)
    item = world.items[1]
    client.force_login(world.lead_a)
    response = client.get(URL)
    queue, body = response.context["queue"], response.content.decode()

    assert [g.installer.name for g in queue.signoff_groups] == ["Arrived 00"]
    assert [(s.enrollment_id, s.item_id) for s in queue.awaiting_photo.rows] == [(without[0].pk, item.pk)]
    assert f'value="{without[0].pk}:{item.pk}"' not in body  # no box to tick
    assert f'value="{with_photo[0].pk}:{item.pk}"' in body
    assert "Waiting for the photo" in body
    assert f'href="{reverse("lead-enrollment", args=[without[0].pk])}#item-{item.pk}"' in body

    # Ticked anyway (a stale page): refused with the reason, nothing signed.
    response = client.post(reverse("lead-queue-signoffs"), {"signoff": [f"{without[0].pk}:{item.pk}"]}, follow=True)
    assert "The photo has not arrived yet" in response.content.decode()
    assert not ItemState.objects.get(enrollment=without[0], item=item).signed_off

    # Once it arrives the item moves to the sign-offs, with its thumbnail.
    photo_for(without[0], item)
    queue = client.get(URL).context["queue"]
    assert [g.installer.name for g in queue.signoff_groups] == ["Arrived 00", "Waiting 00"]
    assert queue.awaiting_photo.rows == []
    assert [len(s.photos) for g in queue.signoff_groups for s in g.states] == [1, 1]
