"""The API reference at /api/docs/ (installer_ops/api_reference.py,
api_schema_nodes.py, api_reference_views.py): made from the schema that
drf-spectacular generates, every operation on the page, $ref cycles stopped,
the page built once per process, under the strict Content Security Policy."""

import re
from unittest import mock

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from installer_ops import api_reference_views
from installer_ops.api_reference import STATUS_PHRASES, reference_of
from installer_ops.api_schema_nodes import SchemaReader, linked_components

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    """The schema as /api/schema/?format=json serves it (the page reads the same)."""
    return api_reference_views.generated_schema()


@pytest.fixture
def page(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    return response


def ops_of(schema: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in schema["paths"].items() for method in METHODS if method in item}


def test_every_operation_of_the_schema_is_on_the_page_under_its_tag(schema, page):
    reference = reference_of(schema)
    assert {(op.method, op.path) for op in reference.operations} == ops_of(schema)
    assert reference.operation_count == len(ops_of(schema)) > 50
    html = page.content.decode()
    for op in reference.operations:
        assert f'<h3 id="{op.anchor}"' in html, op.path
        assert f'href="#{op.anchor}"' in html, op.path  # listed in the contents
    # Grouped by resource ("installers", "sync"), not all under "v1".
    tags = {tag.name for tag in reference.tags}
    assert {"installers", "sync", "cohorts"} <= tags and "v1" not in tags


def test_every_link_inside_the_page_lands_on_an_anchor_of_the_page(page):
    html = page.content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and not targets - ids, sorted(targets - ids)
    assert len(ids) == len(re.findall(r'\sid="', html)), "an anchor is used twice"


def test_the_sync_operation_shows_its_request_fields_and_links_its_answer(schema):
    sync = reference_of(schema).operation("POST", "/api/v1/sync/")
    fields = {field.name: field for field in sync.body.node.fields}
    assert set(fields) == {"device_id", "sent_at", "events"}
    assert fields["device_id"].required and not fields["sent_at"].required
    assert fields["events"].node.type == "array" and "at most 500 items" in fields["events"].node.constraints
    (answer,) = sync.answers
    assert (answer.status, answer.node.component, answer.node.stop) == ("200", "SyncResponse", "depth")
    assert "SyncResponse" in {component.name for component in reference_of(schema).components}


def test_a_list_answers_a_page_and_names_its_list_parameters_once(schema):
    listing = reference_of(schema).operation("GET", "/api/v1/installers/")
    (answer,) = listing.answers
    assert answer.node.type == "page" and answer.node.items.component == "Installer"
    assert set(listing.list_parameters) == {"page", "page_size", "search", "ordering"}
    stage = next(p for p in listing.parameters if p.name == "stage")
    assert ("hired", "Hired") in {(c.value, c.label) for c in stage.choices}


CYCLE = {
    "openapi": "3.0.3",
    "info": {"title": "Cycles", "version": "1"},
    "paths": {
        "/api/v1/nodes/": {
            "post": {
                "operationId": "nodes_create",
                "tags": ["nodes"],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
                "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}},
            }
        }
    },
    "components": {
        "schemas": {
            # A holds B, B holds A again and a list of itself; C is A's twin in allOf.
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}, "required": ["b"]},
            "B": {
                "type": "object",
                "properties": {
                    "a": {"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": True},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/B"}},
                    "kind": {"oneOf": [{"$ref": "#/components/schemas/KindEnum"}, {"enum": [None]}]},
                },
            },
            "KindEnum": {"type": "string", "enum": ["leaf", "twig"], "description": "* `leaf` - Leaf\n* `twig` - twig"},
        }
    },
}


def test_a_ref_cycle_stops_with_a_note_and_each_component_is_listed_once():
    reference = reference_of(CYCLE)
    (op,) = reference.operations
    b = op.body.node.fields[0].node
    assert (op.body.node.component, b.component) == ("A", "B")
    a_again = next(field.node for field in b.fields if field.name == "a")
    assert (a_again.component, a_again.stop, a_again.nullable) == ("A", "cycle", True)
    children = next(field.node for field in b.fields if field.name == "children")
    assert (children.items.component, children.items.stop) == ("B", "cycle")
    kind = next(field.node for field in b.fields if field.name == "kind")
    assert [(c.value, c.label) for c in kind.choices] == [("leaf", "Leaf"), ("twig", ""), ("null", "")]
    assert kind.nullable
    # The answer links A; A's listing links B, which links A back: each listed once.
    assert [component.name for component in reference.components] == ["A", "B"]


def test_unfolding_stops_at_its_depth_however_deep_the_schema_goes():
    deep = {
        f"L{n}": {"type": "object", "properties": {"next": {"$ref": f"#/components/schemas/L{n + 1}"}}}
        for n in range(50)
    }
    node = SchemaReader(deep, depth=3).node({"$ref": "#/components/schemas/L0"})
    levels = 0
    while node.fields:
        node, levels = node.fields[0].node, levels + 1
    assert (levels, node.component, node.stop) == (3, "L3", "depth")
    assert linked_components([SchemaReader(deep, depth=3).node({"$ref": "#/components/schemas/L0"})]) == {"L3"}


def test_the_schema_is_generated_once_per_process(client, db):
    api_reference_views.reference_for.cache_clear()
    api_reference_views.content_for.cache_clear()
    generate = SchemaGenerator.get_schema
    with mock.patch.object(SchemaGenerator, "get_schema", autospec=True, side_effect=generate) as spy:
        first = client.get("/api/docs/")
        second = client.get("/api/docs/")
    assert spy.call_count == 1
    assert first.content == second.content


def test_the_page_is_ours_under_the_strict_policy_and_links_the_raw_schema(page, client, db):
    html = page.content.decode()
    assert html.count("<h1") == 1 and "<main" in html and 'href="/static/installer_ops/css/app.css"' in html
    policy = page["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "'self'" in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "an inline script"
    assert "<style" not in html and " style=" not in html
    assert "swagger" not in html.lower() and "cdn." not in html
    assert 'href="/api/schema/" download' in html and 'href="/api/schema/?format=json" download' in html
    assert client.get("/api/schema/?format=json")["Content-Type"].startswith("application/vnd.oai.openapi+json")


def test_the_cached_page_reads_nothing_from_the_database(client, db, django_assert_num_queries):
    client.get("/api/docs/")
    with django_assert_num_queries(0):
        assert client.get("/api/docs/").status_code == 200


def test_every_answer_the_schema_leaves_undescribed_is_named_in_the_readers_language(schema):
    undescribed = {
        int(status)
        for item in schema["paths"].values()
        for method in METHODS
        for status, answer in item.get(method, {}).get("responses", {}).items()
        if not answer.get("description")
    }
    assert undescribed, "every answer is described: this test would check nothing"
    assert sorted(undescribed - set(STATUS_PHRASES)) == []
    with translation.override("de"):
        answers = {(a.status, a.description) for op in reference_of(schema).operations for a in op.answers}
    assert {("201", "Erstellt"), ("409", "Konflikt")} <= answers
