"""No text a person reads is left out of translation: every template's words
sit inside {% translate %} / {% blocktranslate %} (or come from a variable),
and the field apps' JavaScript puts what it shows through gettext() / ngettext().

The template check lexes each template with Django's own Lexer, keeps the text
between the tags, and reads that as HTML: the words of text nodes and of the
attributes people read (title, alt, placeholder, aria-label, a button's value, …)
must be none. Text inside <script>, <style>, <code> and comments, and the
attributes machines read (class, href, name, data-*, …), do not count. The
JavaScript check follows the literals that reach the screen: assigned to
textContent / title / …, given as an element's text or aria-label, or passed to
the apps' text helpers. Both detectors are first shown to catch a planted
example, so neither can pass by finding nothing to read."""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
HOLE = "\x1a"  # stands for a {{ variable }} or {% tag %}: text, but no words of its own

# Words that are the same in every language, each with why. Matched whole, case-sensitively.
ALLOWED = {
    "Installer Ops": "the product's name",
    "Aquant": "a brand name",
    "OpenID Connect": "a protocol's name",
    "API": "an initialism used as is in every language the product speaks",
    "CSV": "a file format's name",
    "PDF": "a file format's name",
    "JSON": "a file format's name",
    "px": "a unit symbol",
    "km": "a unit symbol",
    "MB": "a unit symbol",
    "KB": "a unit symbol",
}
_ALLOWED_RE = re.compile("|".join(rf"\b{re.escape(word)}\b" for word in sorted(ALLOWED, key=len, reverse=True)))
# Two letters in a row make a word ("·", "—", "→", "%", "1.", a lone "x" do not);
# a CJK character is a word by itself.
_WORD_RE = re.compile(r"[^\W\d_]{2,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ENTITY_RE = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#\d+|#x[0-9a-fA-F]+);")


def has_words(text: str) -> bool:
    """Whether `text` still holds words once holes, entities and allowed words are gone."""
    text = _ENTITY_RE.sub(" ", text.replace(HOLE, " "))
    return bool(_WORD_RE.search(_ALLOWED_RE.sub(" ", text)))


def _shown(text: str) -> str:
    return " ".join(text.replace(HOLE, "…").split())


# ---- templates ----

# Tags whose content Django does not show as written: their text is dropped from the skeleton.
_SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}


def skeleton(source: str) -> str:
    """The template's text with every tag, variable and comment (and whatever a
    blocktranslate or comment block holds) replaced by HOLE, line breaks kept so
    that a line of the skeleton is that line of the template."""
    parts, closing = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            parts.append(HOLE + "\n" * token.contents.count("\n") if closing else token.contents)
            continue
        parts.append(HOLE)
        if token.token_type != TokenType.BLOCK:
            continue
        name = token.contents.split(maxsplit=1)[0] if token.contents else ""
        if closing and name == closing:
            closing = None
        elif not closing and name in _SKIPPED_BLOCKS:
            closing = _SKIPPED_BLOCKS[name]
    return "".join(parts)


# Attributes people read (title, alt, …); a submit input's value and a meta description's content too.
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "label",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
}
READ_META = {"description", "application-name", "apple-mobile-web-app-title"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Content that is not prose: code, or machine text in its own element.
UNREAD_ELEMENTS = {"script", "style", "code", "kbd", "samp"}


def _is_read(tag: str, name: str, attrs: dict) -> bool:
    if name in READ_ATTRIBUTES:
        return True
    if name == "value":
        return tag == "input" and (attrs.get("type") or "").lower() in BUTTON_INPUTS  # <button>'s is not shown
    if name == "content":
        return tag == "meta" and (attrs.get("name") or "").lower() in READ_META
    return False


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.unread = 0  # depth inside script / style / code

    def handle_starttag(self, tag, attrs):
        self._attributes(tag, attrs)
        if tag in UNREAD_ELEMENTS:
            self.unread += 1

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, attrs)

    def handle_endtag(self, tag):
        if tag in UNREAD_ELEMENTS and self.unread:
            self.unread -= 1

    def handle_data(self, data):
        if self.unread or not has_words(data):
            return
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self.found.append((line, _shown(data)))

    def _attributes(self, tag, attrs):
        given = {name: value or "" for name, value in attrs}
        raw = self.get_starttag_text() or ""
        for name, value in attrs:
            if value and _is_read(tag, name, given) and has_words(value):
                at = raw.lower().find(name + "=")
                line = self.getpos()[0] + raw[: max(at, 0)].count("\n")
                self.found.append((line, f'{name}="{_shown(value)}"'))


def unmarked_in_template(source: str, kind: str = "html") -> list[tuple[int, str]]:
    """(line, text) for each piece of text people read that is not marked for
    translation. kind "html" reads the template as HTML; "text" (a plain-text
    mail) takes all of its text as read; "js" (a script) none of it."""
    text = skeleton(source)
    if kind == "js":
        return []
    if kind == "text":
        found = [(number, _shown(line)) for number, line in enumerate(text.splitlines(), 1) if has_words(line)]
    else:
        finder = _TextFinder()
        finder.feed(text)
        finder.close()
        found = finder.found
    return sorted(found + _filter_literals(source))


# {{ value|default:"None" }} shows its literal; a path ("/api/v1/…") is not prose.
_TEXT_FILTER_RE = re.compile(r"""\|(?:default|default_if_none|yesno):(["'])(.*?)\1""")


def _filter_literals(source: str) -> list[tuple[int, str]]:
    found = []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.VAR:
            for match in _TEXT_FILTER_RE.finditer(token.contents):
                if not match.group(2).startswith("/") and has_words(match.group(2)):
                    found.append((token.lineno, "{{ " + token.contents + " }}"))
    return found


def template_files() -> list[Path]:
    """The project's templates: templates/ and each app's templates/ (not the
    virtualenv's, not the tests' stand-ins)."""
    roots = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
    return sorted(path for root in roots if root.is_dir() for path in root.rglob("*") if path.is_file())


def _kind(path: Path) -> str:
    return {".txt": "text", ".js": "js"}.get(path.suffix, "html")


def test_the_template_check_finds_planted_unmarked_text():
    planted = (
        "{% load i18n %}<h1>{% translate 'Cohorts' %}</h1>\n"
        "<p>Pending sign-offs: {{ count }}</p>\n"
        '<a href="/x/" class="button" title="Open the cohort">{% translate "Open" %}</a>\n'
        '<img src="/a.png" alt="">{% blocktranslate trimmed %}\n  Left as is\n{% endblocktranslate %}\n'
        '<input type="submit" value="Save"> <input type="hidden" name="next" value="stay here">\n'
        "<script>var words = 'not read';</script><style>.note::after { content: 'no' }</style>\n"
        "{# not shown #}{% comment %}Not shown{% endcomment %}<!-- nor this -->\n"
        "<span>Installer Ops · 3 px — {{ n }}%</span> <button aria-label='Close this'>×</button>\n"
        '<button name="action" value="sign_off">{% translate "Sign off" %}</button>\n'
        '{{ lead|default:"Nobody" }} {{ path|default:"/api/v1/" }} {{ at|date:"j M Y" }}\n'
    )
    assert unmarked_in_template(planted) == [
        (2, "Pending sign-offs: …"),
        (3, 'title="Open the cohort"'),
        (7, 'value="Save"'),
        (10, 'aria-label="Close this"'),
        (12, '{{ lead|default:"Nobody" }}'),
    ]
    assert unmarked_in_template("{% load i18n %}\nHello {{ name }},\n\n{% translate 'Bye' %}\n", "text") == [
        (2, "Hello …,")
    ]


def test_the_template_check_walks_the_project_templates():
    found = template_files()
    names = {path.relative_to(ROOT).as_posix() for path in found}
    assert "installer_ops/templates/base.html" in names
    assert any(name.startswith("bootcamp/templates/") for name in names)
    assert not any(name.startswith((".venv/", "tests/")) or "/static/" in name for name in names)


def test_templates_mark_every_text_people_read():
    problems = []
    for path in template_files():
        for line, text in unmarked_in_template(path.read_text(encoding="utf-8"), _kind(path)):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not problems, "Text not marked for translation:\n" + "\n".join(problems)


# ---- the field apps' JavaScript ----

_JS_TOKEN_RE = re.compile(
    r"""(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)
    |(?P<name>[A-Za-z_$][\w$]*)|(?P<number>\d[\w.]*)|(?P<space>\s+)
    |(?P<punct>\+=|=>|[=!]==?|&&|\|\||\?\?|[{}()\[\];,.:?=+\-*/%!<>&|^~])""",
    re.S | re.X,
)
_JS_REGEX_RE = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n\[])+/[a-z]*")
_REGEX_AFTER = {"(", ",", "=", ":", "[", "!", "&&", "||", "?", "{", "}", ";", "return", "typeof", None}


def js_tokens(source: str) -> list[tuple[str, str, int]]:
    """(kind, text, line) of each token but spaces and comments; a regular
    expression literal is one "regex" token, so its quotes start no string."""
    tokens, at, previous = [], 0, None
    while at < len(source):
        if source[at] == "/" and previous in _REGEX_AFTER and source[at : at + 2] not in ("//", "/*"):
            match = _JS_REGEX_RE.match(source, at)
            if match:
                tokens.append(("regex", match.group(), source.count("\n", 0, at) + 1))
                at, previous = match.end(), "regex"
                continue
        match = _JS_TOKEN_RE.match(source, at)
        if not match:
            raise ValueError(f"cannot read the script at line {source.count(chr(10), 0, at) + 1}")
        if match.lastgroup not in ("space", "comment"):
            tokens.append((match.lastgroup, match.group(), source.count("\n", 0, at) + 1))
            previous = match.group() if match.lastgroup in ("punct", "name") else match.lastgroup
        at = match.end()
    return tokens


# Where a literal reaches the screen: a property set, an element's attribute given
# (setAttribute or the apps' el(tag, {text: …, "aria-label": …})), a text helper's argument.
SHOWN_PROPERTIES = {"textContent", "innerText", "innerHTML", "title", "placeholder", "alt", "ariaLabel", "label"}
SHOWN_KEYS = {"text", "title", "alt", "placeholder", "label", "noLogin", "reason"} | READ_ATTRIBUTES
TEXT_HELPERS = {"say", "problem", "createTextNode", "alert", "confirm", "prompt"}
GETTEXT = {"gettext", "ngettext", "pgettext", "npgettext"}
COMPARISONS = {"===", "!==", "==", "!="}  # a literal compared with is a state's name, not shown
_OPEN, _CLOSE = set("([{"), set(")]}")


def _end(tokens, start: int, stops: set[str]) -> int:
    """The index where the expression from `start` ends: a stop at its own depth, or a bracket closing outside it."""
    depth = 0
    for index in range(start, len(tokens)):
        text = tokens[index][1] if tokens[index][0] == "punct" else None
        if depth == 0 and (text in stops or text in _CLOSE):
            return index
        depth += (text in _OPEN) - (text in _CLOSE)
    return len(tokens)


def _sinks(tokens):
    """(start, end) of each expression whose value is shown."""
    for index, (kind, text, _line) in enumerate(tokens):
        after = [token[1] for token in tokens[index + 1 : index + 4]]
        before = tokens[index - 1][1] if index else None
        if (
            kind == "punct"
            and text == "."
            and after[:1]
            and after[0] in SHOWN_PROPERTIES
            and after[1:2] in (["="], ["+="])
        ):
            yield index + 3, _end(tokens, index + 3, {";", ","})
        elif kind == "name" and text == "setAttribute" and after[:1] == ["("] and len(after) == 3 and after[2] == ",":
            if after[1][1:-1] in READ_ATTRIBUTES:
                yield index + 4, _end(tokens, index + 4, set())
        elif kind in ("name", "string") and before in ("{", ",") and after[:1] == [":"]:
            if (text.strip("\"'") if kind == "string" else text) in SHOWN_KEYS:
                yield index + 2, _end(tokens, index + 2, {","})
        elif kind == "name" and text in TEXT_HELPERS and after[:1] == ["("] and before != "function":
            yield index + 2, _end(tokens, index + 2, set())


def unmarked_in_script(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each string literal with words that reaches the screen without gettext()."""
    tokens, found = js_tokens(source), set()
    for start, end in _sinks(tokens):
        index = start
        while index < end:
            kind, text, line = tokens[index]
            if kind == "name" and text in GETTEXT and index + 1 < end and tokens[index + 1][1] == "(":
                index = _end(tokens, index + 2, set()) + 1  # a translated literal, and its arguments
                continue
            compared = {tokens[index - 1][1], tokens[index + 1][1] if index + 1 < len(tokens) else None} & COMPARISONS
            if kind == "string" and not compared and has_words(text[1:-1]):
                found.add((line, text))
            index += 1
    return sorted(found)


def script_files() -> list[Path]:
    """The project's own scripts under each app's static/ (vendored libraries are not ours to translate)."""
    return sorted(path for path in ROOT.glob("*/static/**/*.js") if "vendor" not in path.relative_to(ROOT).parts)


def test_the_script_check_finds_planted_unmarked_text():
    planted = """
    var pattern = /it's "quoted"/g; // a comment with "Words in it"
    status.textContent = waiting ? "Changes waiting" : gettext("All synced.");
    box.title = interpolate(gettext("Sent %(n)s"), { n: count }, true) + " " + "(late)";
    button.setAttribute("aria-label", "Dismiss " + name);
    button.setAttribute("data-state", "waiting here");
    list.appendChild(el("p", { className: "error note", role: "alert", text: "Try again later." }));
    el("input", { type: "file", "aria-label": gettext("Photo") + ": " + item.title, accept: "image/*" });
    say(interpolate(ngettext("%(n)s photo sent.", "%(n)s photos sent.", n), { n: n }, true));
    problem("No room left");
    box.textContent = error.name === "QuotaExceededError" ? gettext("Full.") : "Failed";
    throw new Error("network failed");
    """
    assert unmarked_in_script(planted) == [
        (3, '"Changes waiting"'),
        (4, '"(late)"'),
        (5, '"Dismiss "'),
        (7, '"Try again later."'),
        (10, '"No room left"'),
        (11, '"Failed"'),
    ]


def test_the_script_check_reads_the_field_apps():
    names = {path.relative_to(ROOT).as_posix() for path in script_files()}
    assert {
        "installer_ops/static/installer_ops/app/app.js",
        "installer_ops/static/installer_ops/app/lead_app.js",
    } <= names
    assert not any("/vendor/" in name for name in names)
    shown = sum(1 for path in script_files() for _sink in _sinks(js_tokens(path.read_text(encoding="utf-8"))))
    assert shown > 50  # the sinks are found in the real code, not only in the planted sample


def test_scripts_put_every_text_people_read_through_gettext():
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in script_files()
        for line, text in unmarked_in_script(path.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "Text shown by a script without gettext() (the field apps load Django's JavaScript catalogue; "
        "a page's own script takes its words from the template, e.g. a data-* attribute):\n" + "\n".join(problems)
    )
