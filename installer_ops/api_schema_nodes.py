"""One schema of the OpenAPI document as the API reference shows it
(installer_ops/api_reference.py): a tree of Nodes, its $ref components
unfolded down to a depth and never twice on one path down (a cycle stops
with a note), enums with their labels, limits in words.

Pure: reads dicts, touches nothing else."""

import re
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

COMPONENT_PREFIX = "#/components/schemas/"
# drf-spectacular describes an enum's choices as "* `value` - Label" lines.
CHOICE_LINE = re.compile(r"^\*\s+`(?P<value>[^`]*)`\s+-\s+(?P<label>.*)$")
ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
# drf-spectacular's page of a paginated list.
PAGE_FIELDS = {"count", "next", "previous", "results"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str = ""  # shown only when it says more than the value


@dataclass(frozen=True)
class Node:
    """One schema as read: its type, and what it holds (fields of an object,
    the items of an array, the values of a map, the alternatives of a oneOf)."""

    type: str  # the schema's (object, array, string, integer, number, boolean), or map, page, oneOf, any
    format: str = ""
    component: str = ""  # the component this is (its anchor is linked)
    anchor: str = ""
    fields: tuple["Field", ...] = ()
    items: "Node | None" = None
    values: "Node | None" = None
    alternatives: tuple["Node", ...] = ()
    choices: tuple[Choice, ...] = ()
    nullable: bool = False
    read_only: bool = False
    write_only: bool = False
    description: str = ""
    constraints: tuple[str, ...] = ()
    stop: str = ""  # "" (unfolded), "depth" (see the component), "cycle" (refers to itself), "missing"

    @property
    def says_more(self) -> bool:
        """Whether there is anything to show beyond the type."""
        own = self.description or self.choices or self.fields or self.values or self.alternatives
        return bool(own or self.stop in ("cycle", "missing") or (self.items and self.items.says_more))


@dataclass(frozen=True)
class Field:
    name: str
    required: bool
    node: Node


def anchor_for(prefix: str, name: str) -> str:
    return f"{prefix}-{ANCHOR_UNSAFE.sub('-', name).strip('-') or 'x'}"


def component_anchor(name: str) -> str:
    return anchor_for("schema", name)


def choices_and_text(description: str) -> tuple[dict[str, str], str]:
    """The labels of drf-spectacular's choice lines, and the description without them."""
    labels, kept = {}, []
    for line in (description or "").splitlines():
        match = CHOICE_LINE.match(line.strip())
        if match:
            labels[match["value"]] = match["label"].strip()
        else:
            kept.append(line)
    return labels, plain_text("\n".join(kept))


def plain_text(text: str) -> str:
    """Paragraphs kept, hard line breaks inside a paragraph joined."""
    paragraphs = re.split(r"\n\s*\n", (text or "").strip())
    return "\n\n".join(" ".join(part.split()) for part in paragraphs if part.strip())


def _constraints(schema: dict) -> tuple[str, ...]:
    """A field's limits, in words (counts through ngettext)."""
    said = []
    counted = {
        "minLength": lambda n: ngettext("at least %(n)s character", "at least %(n)s characters", n),
        "maxLength": lambda n: ngettext("at most %(n)s character", "at most %(n)s characters", n),
        "minItems": lambda n: ngettext("at least %(n)s item", "at least %(n)s items", n),
        "maxItems": lambda n: ngettext("at most %(n)s item", "at most %(n)s items", n),
    }
    for key, words in counted.items():
        if isinstance(schema.get(key), int):
            said.append(words(schema[key]) % {"n": schema[key]})
    for key, text in (("minimum", _("from %(n)s")), ("maximum", _("up to %(n)s")), ("pattern", _("matches %(n)s"))):
        if key in schema:
            said.append(text % {"n": schema[key]})
    if "default" in schema:
        said.append(_("default %(n)s") % {"n": _choice_text(schema["default"])})
    return tuple(said)


class SchemaReader:
    """Unfolds schemas against one set of components, down to `depth`,
    stopping at a component already being unfolded on the way down."""

    def __init__(self, components: dict, depth: int):
        self.components = components
        self.depth = depth

    def node(self, schema: dict | None, level: int = 0, trail: frozenset = frozenset()) -> Node:
        schema = schema or {}
        flags = {
            "nullable": bool(schema.get("nullable")),
            "read_only": bool(schema.get("readOnly")),
            "write_only": bool(schema.get("writeOnly")),
        }
        if "$ref" in schema:
            return self._ref(schema, level, trail, flags)
        if "allOf" in schema:
            return self._all_of(schema, level, trail, flags)
        labels, description = choices_and_text(schema.get("description", ""))
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self._one_of(schema[key], level, trail, flags, description)
        kind = schema.get("type", "")
        if kind == "array":
            items = self.node(schema.get("items"), level, trail)
            return Node("array", items=items, description=description, constraints=_constraints(schema), **flags)
        properties = schema.get("properties", {})
        if _is_page(schema):
            # The pagination's envelope, the same for every list: said once in the introduction.
            items = self.node(properties["results"].get("items"), level + 1, trail)
            return Node("page", items=items, description=description, **flags)
        if kind == "object" or properties:
            required = set(schema.get("required", ()))
            fields = tuple(
                Field(name, name in required, self.node(prop, level + 1, trail)) for name, prop in properties.items()
            )
            extra = schema.get("additionalProperties")
            values = self.node(extra if isinstance(extra, dict) else {}, level + 1, trail) if extra else None
            kind = "map" if values and not fields else "object"
            return Node(kind, fields=fields, values=values, description=description, **flags)
        choices = tuple(
            Choice(_choice_text(value), label_of(labels.get(_choice_text(value), ""), value))
            for value in schema.get("enum", ())
        )
        return Node(
            kind or "any",
            format=schema.get("format", ""),
            choices=choices,
            description=description,
            constraints=_constraints(schema),
            **flags,
        )

    def _ref(self, schema: dict, level: int, trail: frozenset, flags: dict) -> Node:
        ref = schema["$ref"]
        name = ref.removeprefix(COMPONENT_PREFIX)
        target = self.components.get(name) if ref.startswith(COMPONENT_PREFIX) else None
        if target is None:
            return Node(name, stop="missing", **flags)
        own = {"component": name, "anchor": component_anchor(name)}
        if name in trail:
            return Node(target.get("type", "object"), stop="cycle", **own, **flags)
        # An enum's values and a page's envelope are always shown where they are used.
        wrapper = ("enum" in target and "properties" not in target) or _is_page(target)
        if level >= self.depth and not wrapper:
            return Node(target.get("type", "object"), stop="depth", **own, **flags)
        inner = self.node(target, level, trail | {name})
        merged = {key: value or getattr(inner, key) for key, value in flags.items()}
        return replace(inner, **own, **merged)

    def _all_of(self, schema: dict, level: int, trail: frozenset, flags: dict) -> Node:
        parts = [self.node(part, level, trail) for part in schema["allOf"]]
        _labels, description = choices_and_text(schema.get("description", ""))
        if len(parts) == 1:
            # drf-spectacular's wrapper for a field that is a component plus its own flags.
            first = parts[0]
            merged = {key: value or getattr(first, key) for key, value in flags.items()}
            return replace(first, description=description or first.description, **merged)
        fields = tuple(f for part in parts for f in part.fields)
        return Node("object", fields=fields, description=description, **flags)

    def _one_of(self, options: list, level: int, trail: frozenset, flags: dict, description: str) -> Node:
        parts = tuple(self.node(option, level, trail) for option in options)
        if parts and all(part.choices for part in parts):
            # A choice field that may be blank or null: one list of values.
            choices = tuple(choice for part in parts for choice in part.choices)
            nullable = flags.pop("nullable") or any(c.value == "null" for c in choices)
            kind = next((part.type for part in parts if part.type != "any"), "string")
            named = next((part for part in parts if part.component), None)
            own = {"component": named.component, "anchor": named.anchor} if named else {}
            return Node(kind, choices=choices, description=description, nullable=nullable, **own, **flags)
        return Node("oneOf", alternatives=parts, description=description, **flags)


def _is_page(schema: dict) -> bool:
    properties = schema.get("properties", {})
    return set(properties) == PAGE_FIELDS and properties["results"].get("type") == "array"


def _choice_text(value) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return '""' if value == "" else str(value)


def label_of(label: str, value) -> str:
    return "" if not label or label == str(value) else label


def linked_components(nodes) -> set[str]:
    """The components these nodes link to rather than unfold."""
    names, todo = set(), list(nodes)
    while todo:
        node = todo.pop()
        if node is None:
            continue
        if node.stop in ("depth", "cycle"):
            names.add(node.component)
        todo.extend(field.node for field in node.fields)
        todo.extend((node.items, node.values, *node.alternatives))
    return names
