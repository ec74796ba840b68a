"""The program builder's pages and services (bootcamp/program_views.py,
bootcamp/services/program_drafts.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bootcamp import services
from bootcamp.models import Item, Module, Program, ProgramVersion
from installer_ops.exceptions import DomainConflict
from installer_ops.models import AuditEntry

pytestmark = pytest.mark.django_db


def url(name, version, *args):
    return reverse(name, args=[version.program_id, version.number, *args])


def titles(module):
    return list(Item.objects.filter(module=module).order_by("position").values_list("title", flat=True))


@pytest.fixture
def draft(bootcamp):
    """A draft v2 of the bootcamp fixture's published program."""
    return services.program_version_draft(actor=bootcamp.lead_a, version=bootcamp.version)


def test_a_lead_builds_a_program_in_the_browser(client, org):
    client.force_login(org.lead_a)
    response = client.post(reverse("lead-program-create"), {"title": "Rigging", "code": "rigging", "working_days": 5})
    version = ProgramVersion.objects.get(program__code="rigging")
    assert response.status_code == 302 and response["Location"] == url("lead-program-version", version)
    assert version.number == 1 and not version.is_published

    response = client.post(url("lead-program-module-add", version), {"title": "Ropes", "first_day": 1, "last_day": 2})
    module = Module.objects.get(version=version)
    assert response.status_code == 302
    response = client.post(
        url("lead-program-item-add", version, module.pk),
        {"title": "Tie a bowline", "kind": "practical", "description": "Photograph it.", "needs_evidence": "on"},
    )
    item = Item.objects.get(module=module)
    assert (item.title, item.kind, item.needs_evidence) == ("Tie a bowline", "practical", True)
    assert not item.needs_signoff

    page = client.get(url("lead-program-version", version)).content.decode()
    assert "Tie a bowline" in page and "Photo evidence" in page and "Publish…" in page
    confirm = client.get(url("lead-program-publish", version))
    assert confirm.status_code == 200 and "Publish version 1" in confirm.content.decode()
    assert client.post(url("lead-program-publish", version)).status_code == 302
    version.refresh_from_db()
    assert version.is_published
    actions = set(AuditEntry.objects.filter(object_type="program").values_list("action", flat=True))
    assert {"create", "create version", "add module", "add item", "publish version"} <= actions


def test_the_program_list_shows_versions_and_the_cohorts_on_them(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    page = client.get(reverse("lead-programs")).content.decode()
    assert "Field bootcamp" in page and "November A" in page and "Draft" in page and "Published" in page
    client.force_login(bootcamp.lead_b)  # the cohort trains pod A only: not lead B's to see
    page = client.get(reverse("lead-programs")).content.decode()
    assert "Field bootcamp" in page and "November A" not in page


def test_the_program_list_runs_a_fixed_number_of_queries(client, org):
    client.force_login(org.lead_a)

    def count(programs):
        for n in range(Program.objects.count(), programs):
            v = services.program_create(actor=None, code=f"p{n}", title=f"P{n}", working_days=3)
            services.draft_module_add(actor=None, version=v, title="M", first_day=1, last_day=2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("lead-programs")).status_code == 200
        return len(queries)

    assert count(2) == count(9)


def test_a_published_version_never_changes_an_edit_makes_a_new_draft(client, bootcamp):
    b = bootcamp
    client.force_login(b.lead_a)
    before = services.program_version_spec(b.version)
    item = b.items[0]
    response = client.post(
        url("lead-program-item", b.version, item.pk),
        {"title": "Changed", "kind": "task", "module": item.module_id},
    )
    assert response.status_code == 400 and "is published and never changes" in response.content.decode()
    for name, args in [
        ("lead-program-item-move", [item.pk]),
        ("lead-program-item-remove", [item.pk]),
        ("lead-program-module-move", [item.module_id]),
        ("lead-program-module-remove", [item.module_id]),
    ]:
        client.post(url(name, b.version, *args), {"direction": "down"})
    response = client.post(url("lead-program-settings", b.version), {"working_days": 12})
    assert response.status_code == 400
    assert services.program_version_spec(b.version) == before
    with pytest.raises(DomainConflict):
        services.draft_item_add(actor=b.lead_a, module=item.module, title="Sneaky")

    response = client.post(url("lead-program-version-draft", b.version))
    draft = ProgramVersion.objects.get(program=b.version.program, number=2)
    assert response.status_code == 302 and response["Location"] == url("lead-program-version", draft)
    assert not draft.is_published and services.program_version_spec(draft) == before
    page = client.get(url("lead-program-version", b.version)).content.decode()
    assert "Continue with version 2" in page


def test_a_draft_can_be_changed_until_it_is_published(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    item = Item.objects.filter(module__version=draft).order_by("module__position", "position").first()
    data = {"title": "Flash and verify", "kind": "practical", "module": item.module_id, "needs_signoff": "on"}
    assert client.post(url("lead-program-item", draft, item.pk), data).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.kind, item.needs_signoff) == ("Flash and verify", "practical", True)
    assert client.post(url("lead-program-publish", draft)).status_code == 302
    response = client.post(url("lead-program-item", draft, item.pk), {**data, "title": "Again"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.title == "Flash and verify"
    response = client.post(url("lead-program-publish", draft))
    assert response.status_code == 400 and "published already" in response.content.decode()


def test_moving_items_and_modules_up_and_down(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    first, second = Module.objects.filter(version=draft).order_by("position")
    flash, enrol, quiz = Item.objects.filter(module=first).order_by("position")

    client.post(url("lead-program-item-move", draft, quiz.pk), {"direction": "up"})
    assert titles(first) == ["Flash the base image", "Secure enrolment quiz", "Enrol a node with its certificate"]
    # At the bottom of a module, "down" goes to the top of the next one.
    client.post(url("lead-program-item-move", draft, enrol.pk), {"direction": "down"})
    assert titles(first) == ["Flash the base image", "Secure enrolment quiz"]
    assert titles(second)[0] == "Enrol a node with its certificate"
    # At the very top nothing changes.
    client.post(url("lead-program-item-move", draft, flash.pk), {"direction": "up"})
    assert titles(first)[0] == "Flash the base image"

    move = url("lead-program-module-move", draft, second.pk)
    response = client.post(move, {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith('<div id="program-outline"') and "<html" not in body  # the outline alone, for htmx
    assert body.index("On-device testing") < body.index("Device provisioning")
    assert list(Module.objects.filter(version=draft).order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    assert client.post(url("lead-program-item-move", draft, flash.pk), {"direction": "sideways"}).status_code == 302
    assert AuditEntry.objects.filter(action__in=["move item", "move module"]).count() == 3


def test_removing_renumbers_what_remains(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    first, second = Module.objects.filter(version=draft).order_by("position")
    middle = Item.objects.get(module=first, position=2)
    client.post(url("lead-program-item-remove", draft, middle.pk))
    assert list(Item.objects.filter(module=first).order_by("position").values_list("position", flat=True)) == [1, 2]
    client.post(url("lead-program-module-remove", draft, first.pk))
    second.refresh_from_db()
    assert second.position == 1 and Module.objects.filter(version=draft).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "first_day": 1, "last_day": 2}, "title", "This field is required."),
        ({"title": "M", "first_day": 3, "last_day": 2}, "last_day", "cannot come before the first"),
        ({"title": "M", "first_day": 1, "last_day": 11}, "last_day", "The program has 10 working days."),
        ({"title": "M", "first_day": "x", "last_day": 2}, "first_day", "Enter a whole number."),
        ({"title": "M", "first_day": 1, "last_day": 99999999999999999999}, "last_day", "less than or equal"),
    ],
)
def test_module_errors_are_shown_by_the_field(client, bootcamp, draft, data, field, message):
    client.force_login(bootcamp.lead_a)
    response = client.post(url("lead-program-module-add", draft), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["module_form"].errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Module.objects.filter(version=draft).count() == 2


def test_item_and_settings_errors_are_shown_by_the_field(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    module = Module.objects.filter(version=draft).first()
    response = client.post(url("lead-program-item-add", draft, module.pk), {"title": " ", "kind": "dance"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "kind"}
    response = client.post(url("lead-program-settings", draft), {"working_days": 4})
    assert response.status_code == 400
    assert "A module ends on day 6" in response.context["settings_form"].errors["working_days"][0]
    duplicate = {"title": "Dup", "code": "field-bootcamp", "working_days": 5}
    response = client.post(reverse("lead-program-create"), duplicate)
    assert response.status_code == 400 and "code" in response.context["form"].errors


def test_an_empty_module_blocks_publishing_with_a_message(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    services.draft_module_add(actor=bootcamp.lead_a, version=draft, title="Later", first_day=7, last_day=8)
    response = client.post(url("lead-program-publish", draft))
    assert response.status_code == 400 and "Module Later has no items." in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published


def test_other_roles_are_refused(client, bootcamp, draft, org):
    item = Item.objects.filter(module__version=draft).first()
    module = item.module
    pages = [
        reverse("lead-programs"),
        reverse("lead-program-compare", args=[draft.program_id]),
        url("lead-program-version", draft),
        url("lead-program-publish", draft),
        url("lead-program-module", draft, module.pk),
        url("lead-program-item", draft, item.pk),
        url("lead-program-item-add", draft, module.pk),
    ]
    writes = [
        reverse("lead-program-create"),
        url("lead-program-version-draft", bootcamp.version),
        url("lead-program-settings", draft),
        url("lead-program-module-add", draft),
        url("lead-program-module-move", draft, module.pk),
        url("lead-program-module-remove", draft, module.pk),
        url("lead-program-item-move", draft, item.pk),
        url("lead-program-item-remove", draft, item.pk),
        url("lead-program-publish", draft),
    ]
    for user in (bootcamp.installer.user, org.executive):
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == 403, page
        for write in writes:
            assert client.post(write, {"direction": "up", "title": "x", "working_days": 3}).status_code == 403, write
    assert services.program_version_spec(draft) == services.program_version_spec(bootcamp.version)
    client.logout()
    assert client.get(reverse("lead-programs")).status_code == 302  # to the login


def test_objects_of_another_version_or_unknown_ids_answer_404(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    published_item = bootcamp.items[0]  # of v1, not of the draft
    assert client.get(url("lead-program-item", draft, published_item.pk)).status_code == 404
    assert client.post(url("lead-program-item-remove", draft, published_item.pk)).status_code == 404
    assert client.get(url("lead-program-module", draft, published_item.module_id)).status_code == 404
    assert client.get(reverse("lead-program-version", args=[draft.program_id, 99])).status_code == 404
    assert client.get(reverse("lead-program-compare", args=[999999])).status_code == 404
    assert Item.objects.filter(pk=published_item.pk).exists()


def test_the_comparison_page(client, bootcamp, draft):
    client.force_login(bootcamp.lead_a)
    compare = reverse("lead-program-compare", args=[draft.program_id])
    page = client.get(compare).content.decode()
    assert "are identical" in page
    module = Module.objects.filter(version=draft).last()
    services.draft_item_add(actor=bootcamp.lead_a, module=module, title="Photograph the signage", needs_evidence=True)
    services.draft_module_update(actor=bootcamp.lead_a, module=module, title=module.title, first_day=4, last_day=8)
    response = client.get(compare, {"old": 1, "new": 2})
    page = response.content.decode()
    assert response.status_code == 200 and "are identical" not in page
    assert "Photograph the signage" in page and "Items: 1 added, 0 removed, 0 changed, 0 moved" in page
    assert "last working day" in page
    assert client.get(compare, {"old": 1, "new": 7}).status_code == 400
    assert client.get(compare, {"old": "x"}).status_code == 400


def test_one_version_has_nothing_to_compare(client, org):
    client.force_login(org.admin)
    version = services.program_create(actor=org.admin, code="solo", title="Solo", working_days=3)
    page = client.get(reverse("lead-program-compare", args=[version.program_id])).content.decode()
    assert "nothing to compare yet" in page


def test_needs_evidence_goes_through_the_api(api, org):
    module = {"title": "M", "first_day": 1, "last_day": 1, "items": [{"title": "Photo", "needs_evidence": True}]}
    program = Program.objects.create(code="api", title="API")
    response = api.as_user(org.admin).post(
        f"/api/v1/programs/{program.pk}/versions/", {"working_days": 1, "modules": [module]}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["modules"][0]["items"][0]["needs_evidence"] is True
    assert Item.objects.get(module__version__program=program).needs_evidence


def test_editing_a_published_version_twice_goes_on_with_its_draft():
    """A double click on "Edit as a new draft" must not make two drafts."""
    from bootcamp.services import program_drafts

    draft = program_drafts.program_create(actor=None, code="twice", title="Twice", working_days=5)
    program_drafts.draft_module_add(actor=None, version=draft, title="M", first_day=1, last_day=2)
    module = draft.modules.get()
    program_drafts.draft_item_add(actor=None, module=module, title="I", kind="task", description="")
    services.program_version_publish(actor=None, version=draft)
    first = program_drafts.program_version_draft(actor=None, version=draft)
    second = program_drafts.program_version_draft(actor=None, version=draft)
    assert first.pk == second.pk and first.number == 2
    assert draft.program.versions.count() == 2
