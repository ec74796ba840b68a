"""The API reference page's content, made from the OpenAPI schema that
drf-spectacular generates (never listed by hand): the operations grouped by
tag, their parameters, request body and responses, and the component schemas
once each, as plain data for the templates under api_reference/.

Pure: `reference_of(schema)` reads a schema dict and touches nothing else, so
it can be tested on a schema written for the test (a $ref cycle, say).
Generating the schema and caching it per process live in
api_reference_views.py."""

import http
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from .api_schema_nodes import (
    COMPONENT_PREFIX,
    Choice,
    Node,
    SchemaReader,
    anchor_for,
    choices_and_text,
    component_anchor,
    label_of,
    linked_components,
    plain_text,
)

METHODS = ("get", "post", "put", "patch", "delete")
# How far a schema is unfolded. A field that is a component further down
# links to it: every component is listed once, at the end, with its own
# fields. An operation's body is unfolded one level more than its answers,
# which mostly repeat a listed component; a list's answer is "a page of" the
# listed component. Unfolding everything everywhere (depth 4) made the page
# 630 kB and 130,000 px tall.
BODY_DEPTH = 2
ANSWER_DEPTH = 0
COMPONENT_DEPTH = 1
LIST_PARAMETERS = ("page", "page_size", "search", "ordering")
# An answer the schema does not describe is named by its status; these are the
# statuses the API answers with (Python's own phrases are English only).
STATUS_PHRASES = {
    200: pgettext_lazy("HTTP status", "OK"),
    201: pgettext_lazy("HTTP status", "Created"),
    202: pgettext_lazy("HTTP status", "Accepted"),
    204: pgettext_lazy("HTTP status", "No Content"),
    400: pgettext_lazy("HTTP status", "Bad Request"),
    401: pgettext_lazy("HTTP status", "Unauthorized"),
    403: pgettext_lazy("HTTP status", "Forbidden"),
    404: pgettext_lazy("HTTP status", "Not Found"),
    405: pgettext_lazy("HTTP status", "Method Not Allowed"),
    409: pgettext_lazy("HTTP status", "Conflict"),
    413: pgettext_lazy("HTTP status", "Content Too Large"),
    415: pgettext_lazy("HTTP status", "Unsupported Media Type"),
    429: pgettext_lazy("HTTP status", "Too Many Requests"),
    503: pgettext_lazy("HTTP status", "Service Unavailable"),
}


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path, query, header, cookie
    required: bool
    node: Node
    description: str

    @property
    def says_more(self) -> bool:
        return bool(self.description or self.choices)

    @property
    def choices(self) -> tuple[Choice, ...]:
        """Its values, or those of each item for a list (`?stage=a&stage=b`)."""
        return self.node.choices or (self.node.items.choices if self.node.items else ())


@dataclass(frozen=True)
class Body:
    content_types: tuple[str, ...]
    required: bool
    node: Node | None


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    content_types: tuple[str, ...]
    node: Node | None


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str
    operation_id: str
    anchor: str
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    answers: tuple[Answer, ...]
    list_parameters: tuple[str, ...] = ()  # a list's page, page_size, ordering, search: told once, above

    @property
    def parameter_count(self) -> int:
        return len(self.parameters) + len(self.list_parameters)


@dataclass(frozen=True)
class Tag:
    name: str
    anchor: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Component:
    name: str
    anchor: str
    node: Node

    @property
    def fields_only(self) -> Node:
        """The node without its description, which the card shows above its folded fields."""
        return replace(self.node, description="")


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    tags: tuple[Tag, ...]
    components: tuple[Component, ...]
    operation_count: int = field(default=0)

    @property
    def operations(self) -> list[Operation]:
        return [operation for tag in self.tags for operation in tag.operations]

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation at `path` (as the URL configuration reverses it), to link to from the introduction."""
        return next((op for op in self.operations if op.method == method.upper() and op.path == path), None)


def _labelled(node: Node, labels: dict[str, str]) -> Node:
    """A query parameter's choices carry their labels in the parameter's description."""
    if node.items:
        return replace(node, items=_labelled(node.items, labels))
    choices = tuple(Choice(c.value, c.label or label_of(labels.get(c.value, ""), c.value)) for c in node.choices)
    return replace(node, choices=choices)


def _parameter(raw: dict, reader: SchemaReader) -> Parameter:
    labels, description = choices_and_text(raw.get("description", ""))
    node = _labelled(reader.node(raw.get("schema"), 1), labels)
    return Parameter(raw["name"], raw.get("in", ""), bool(raw.get("required")), node, description)


def _media(content: dict, reader: SchemaReader) -> tuple[tuple[str, ...], Node | None]:
    types = tuple(content or {})
    # drf-spectacular gives every content type of a body the same schema: read the first that has one.
    schema = next((media["schema"] for media in (content or {}).values() if media.get("schema")), None)
    return types, (reader.node(schema) if schema else None)


def _answer(status: str, raw: dict, reader: SchemaReader) -> Answer:
    types, node = _media(raw.get("content", {}), reader)
    description = plain_text(raw.get("description", ""))
    if not description:
        try:
            code = int(status)
            description = str(STATUS_PHRASES[code]) if code in STATUS_PHRASES else http.HTTPStatus(code).phrase
        except ValueError:
            description = ""
    return Answer(status, description, types, node)


def _operation(method: str, path: str, raw: dict, readers: tuple[SchemaReader, SchemaReader], taken: set) -> Operation:
    operation_id = raw.get("operationId") or f"{method}-{path}"
    anchor = anchor_for("op", operation_id)
    while anchor in taken:
        anchor += "-2"
    taken.add(anchor)
    body = None
    if "requestBody" in raw:
        types, node = _media(raw["requestBody"].get("content", {}), readers[0])
        body = Body(types, bool(raw["requestBody"].get("required")), node)
    answers = tuple(_answer(str(status), answer, readers[1]) for status, answer in raw.get("responses", {}).items())
    parameters = tuple(_parameter(p, readers[0]) for p in raw.get("parameters", ()))
    # Every list takes the same paging, ordering and search parameters: the
    # introduction says what they do, and each list names them on one line.
    pages = any(answer.node and answer.node.type == "page" for answer in answers)
    standard = {p.name for p in parameters if pages and p.location == "query" and p.name in LIST_PARAMETERS}
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=operation_id,
        anchor=anchor,
        summary=plain_text(raw.get("summary", "")),
        description=plain_text(raw.get("description", "")),
        deprecated=bool(raw.get("deprecated")),
        parameters=tuple(p for p in parameters if p.name not in standard),
        body=body,
        answers=tuple(sorted(answers, key=lambda a: a.status)),
        list_parameters=tuple(name for name in LIST_PARAMETERS if name in standard),
    )


def _tags(schema: dict, components: dict) -> tuple[tuple[Tag, ...], int]:
    readers = (SchemaReader(components, BODY_DEPTH), SchemaReader(components, ANSWER_DEPTH))
    grouped: dict[str, list[Operation]] = {}
    taken: set[str] = set()
    count = 0
    for path, item in schema.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            raw = dict(item[method])
            if shared:
                own = {(p.get("name"), p.get("in")) for p in raw.get("parameters", [])}
                raw["parameters"] = [p for p in shared if (p.get("name"), p.get("in")) not in own] + list(
                    raw.get("parameters", [])
                )
            operation = _operation(method, path, raw, readers, taken)
            count += 1
            tag = (raw.get("tags") or [_("other")])[0]  # listed once, under its first tag
            grouped.setdefault(tag, []).append(operation)
    tags = tuple(Tag(name, anchor_for("tag", name), tuple(ops)) for name, ops in grouped.items())
    return tags, count


def _listed(components: dict, wanted: set[str]) -> tuple[Component, ...]:
    """The components something on the page links to, and those they link to in turn."""
    reader = SchemaReader(components, COMPONENT_DEPTH)
    listed: dict[str, Node] = {}
    todo = sorted(wanted)
    while todo:
        name = todo.pop()
        if name in listed or name not in components:
            continue
        listed[name] = reader.node({"$ref": COMPONENT_PREFIX + name})
        todo.extend(linked_components([listed[name]]) - set(listed))
    # A component's own heading names it: its node is not a link to itself.
    return tuple(
        Component(name, component_anchor(name), replace(listed[name], component="", anchor=""))
        for name in sorted(listed)
    )


def reference_of(schema: dict) -> Reference:
    """Everything the page shows, in the page's order: tags in the order
    their first operation comes, operations in the schema's order, then the
    components that something links to (an operation's body unfolds its own
    component, so one used only as a body is not listed again)."""
    components = schema.get("components", {}).get("schemas", {})
    tags, count = _tags(schema, components)
    nodes = [
        node
        for tag in tags
        for op in tag.operations
        for node in (
            *(p.node for p in op.parameters),
            op.body.node if op.body else None,
            *(answer.node for answer in op.answers),
        )
    ]
    info = schema.get("info", {})
    return Reference(
        title=info.get("title", ""),
        version=str(info.get("version", "")),
        description=plain_text(info.get("description", "")),
        tags=tags,
        components=_listed(components, linked_components(nodes)),
        operation_count=count,
    )
