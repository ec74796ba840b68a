"""The translation catalogues as the every-language walk reads them, and the
comparison of a page's text in a language with the same page in English.

A segment of the foreign page is untranslated when the English page shows
the very same segment and it is a string marked for translation (an English
msgid of locale/*/LC_MESSAGES/*.po, any language, either domain), or holds
one whole, whose translation in that language is not the same words. Data
(names, ids, numbers, dates) shows the same in every language but is no
msgid; a word the language spells like English ("Status" in German) is
translated to itself and so is never reported.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
DOMAINS = ("django", "djangojs")
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
ESCAPE = re.compile(r"\\(.)")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# Python's and Django's JavaScript interpolate()'s placeholders; a rendered tag of a msgid holding markup.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfir]|%[sdfir]|\{\w*\}|<[^>]+>")
# Placeholders that stand for a count or a figure: they match digits only, so
# that "%(done)s of %(total)s" is "3 of 5", never a name with "of" in it.
NUMERIC = {"n", "m", "d", "counter", "count", "number", "total", "done", "shown", "days", "hours", "minutes", "year"}
NUMBER = r"[-+]?\d[\d.,\u00a0\u202f ]*%?"
# Placeholders that stand for an id, a login or an address: one word.
IDENTIFIER = {"id", "install", "serial", "code", "login", "login_name", "email", "slug", "path", "sum", "seq"}
WORD = r"\S+"
ANYTHING = r".{1,40}?"
SPACE = re.compile(r"\s+")
SENTENCE_END = re.compile(r"(?<=[.!?…。])\s+")
# Around a marked string on a page: "Due:", "(optional)", "· Superseded".
SURROUNDING = " :;,.·•*()[]…–—|/"
# Letters of a msgid outside its placeholders, below which it is too short to
# tell from data; more when a placeholder may be any text ("Hire %(name)s").
MIN_LETTERS = 2
MIN_LETTERS_AROUND_TEXT = 4


def normal(text: str) -> str:
    return SPACE.sub(" ", text).strip()


def unescape(text: str) -> str:
    return ESCAPE.sub(lambda match: ESCAPES.get(match.group(1), match.group(1)), text)


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> translation of one .po file ("" when it is missing or fuzzy:
    Django does not use a fuzzy one; the msgid itself when one of its contexts
    reads so). A plural's msgid_plural maps to its last form; obsolete (#~)
    entries and the header are left out."""
    entries: dict[str, str] = {}
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            if not line or line.startswith("#"):
                continue
            match = KEYWORD.match(line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif current and line.startswith('"') and line.endswith('"'):
                fields[current] += line[1:-1]
        fields = {key: unescape(value) for key, value in fields.items()}
        if not fields.get("msgid"):
            continue
        forms = sorted(key for key in fields if key.startswith("msgstr"))
        translations = ["" if fuzzy else fields[key] for key in forms] or [""]
        # A msgid under two contexts (msgctxt) can read as itself in one ("Import" as the audit's
        # source in German) and otherwise in the other ("Importieren", the action): shown as
        # itself, it is that context's translation, not a leak.
        if translations[0] == fields["msgid"]:
            entries[fields["msgid"]] = translations[0]
        entries.setdefault(fields["msgid"], translations[0])
        if "msgid_plural" in fields:
            entries.setdefault(fields["msgid_plural"], translations[-1])
    return entries


def pattern_of(msgid: str) -> str:
    """A regular expression of a msgid's rendered text: a count's placeholder
    matches a number, an id's one word, any other up to 40 characters, a tag nothing."""
    text = normal(msgid).replace("%%", "%")
    pattern, end = "", 0
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1)
        stands_for = (
            ""
            if match.group(0).startswith("<")
            else NUMBER
            if name in NUMERIC
            else WORD
            if name in IDENTIFIER
            else ANYTHING
        )
        pattern += re.escape(text[end : match.start()]) + stands_for
        end = match.end()
    return pattern + re.escape(text[end:])


def letters(msgid: str) -> int:
    return sum(ch.isalpha() for ch in PLACEHOLDER.sub("", msgid))


def distinctive(msgid: str) -> bool:
    """Whether a msgid says enough in words to be told from data."""
    texts = [match.group(1) not in NUMERIC for match in PLACEHOLDER.finditer(msgid)]
    return letters(msgid) >= (MIN_LETTERS_AROUND_TEXT if any(texts) else MIN_LETTERS)


def segments(texts) -> set[str]:
    """The page's strings, each also cut into its sentences ("All changes
    synced. Last sync 14:05." is two messages of the tablet)."""
    found = set()
    for text in texts:
        text = normal(text)
        if text:
            found.add(text)
            found.update(part for part in SENTENCE_END.split(text) if part)
    return found


MARKDOWN = [
    (re.compile(r"`[^`]*`"), ""),
    (re.compile(r"\*\*|__|^#+ |^- \[[^\]]*\] |^- ", re.M), ""),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
]


def as_shown(stored: str) -> str:
    """A stored text as a page shows it: Markdown's marks gone, code spans too
    (the walk does not read code)."""
    for pattern, replacement in MARKDOWN:
        stored = pattern.sub(replacement, stored)
    return normal(stored)


def is_data(segment: str, msgid: str, stored: set[str]) -> bool:
    """Whether a segment shows stored text (a name, a title, a document's
    sentence) that happens to hold a msgid: it is one, a sentence of one
    (three words or more), or holds one that holds the msgid."""
    bare = segment.strip(SURROUNDING)
    if bare in stored:
        return True
    found = re.compile(r"(?<!\w)" + pattern_of(msgid) + r"(?!\w)")
    return any((len(bare.split()) >= 3 and bare in text) or (text in segment and found.search(text)) for text in stored)


@dataclass
class Catalogues:
    """Every language's entries, by language code, from .po files; and the
    msgids the product looked up while the pages were drawn (`looked_up`: a
    string marked today and not extracted yet is in no .po file), translated
    by `runtime(msgid, language)` where no .po file has them (Django's own)."""

    languages: dict[str, dict[str, str]]
    looked_up: set[str] = field(default_factory=set)
    runtime: Callable[[str, str], str] | None = None
    _matchers: dict[str, tuple] = field(default_factory=dict, repr=False)
    _seen: dict[tuple[str, str], str | None] = field(default_factory=dict, repr=False)
    _translations: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, locale: Path = LOCALE) -> "Catalogues":
        languages: dict[str, dict[str, str]] = {}
        for code_dir in sorted(path for path in locale.iterdir() if path.is_dir()):
            entries: dict[str, str] = {}
            for domain in DOMAINS:
                po = code_dir / "LC_MESSAGES" / f"{domain}.po"
                if po.is_file():
                    for msgid, translation in parse_po(po).items():
                        # A msgid of both domains counts as translated when either translates it.
                        entries[msgid] = entries.get(msgid) or translation
            languages[code_dir.name] = entries
        return cls(languages)

    def msgids(self) -> set[str]:
        return {msgid for entries in self.languages.values() for msgid in entries} | self.looked_up

    def translation(self, msgid: str, language: str) -> str:
        entries = self.languages.get(language, {})
        if msgid in entries:
            return entries[msgid]
        return self.runtime(msgid, language) if self.runtime else ""

    def flaggable(self, language: str) -> list[str]:
        """The msgids that must not show as they are in `language`: its
        translation is missing, fuzzy or other words. Longest first, then in
        order (the same msgid named for a segment on every run)."""
        return sorted(
            (m for m in self.msgids() if distinctive(m) and normal(self.translation(m, language)) != normal(m)),
            key=lambda msgid: (-len(msgid), msgid),
        )

    def _matcher(self, language: str) -> tuple:
        if language not in self._matchers:
            exact, patterns, contained = {}, [], []
            for msgid in self.flaggable(language):
                # A name shown at the start of a line or label is capitalised ("Consent record").
                for shown in dict.fromkeys((normal(msgid), normal(msgid)[:1].upper() + normal(msgid)[1:])):
                    if PLACEHOLDER.search(msgid):
                        patterns.append((re.compile(pattern_of(shown)), msgid))
                        continue
                    exact.setdefault(shown, msgid)
                    # Inside a longer segment, only a msgid of two words or more without
                    # placeholders: a single word ("Retail", "Active") may be part of a name.
                    if len(msgid.split()) >= 2:
                        contained.append((re.compile(r"(?<!\w)" + re.escape(shown) + r"(?!\w)"), msgid))
            self._matchers[language] = (exact, patterns, contained)
        return self._matchers[language]

    def marked(self, segment: str, language: str) -> str | None:
        """The msgid `segment` shows untranslated in `language`, if any."""
        key = (segment, language)
        if key not in self._seen:
            self._seen[key] = self._find(segment, language)
        return self._seen[key]

    def _find(self, segment: str, language: str) -> str | None:
        exact, patterns, contained = self._matcher(language)
        bare = segment.strip(SURROUNDING)
        for candidate in (segment, bare):
            if candidate in exact:
                return exact[candidate]
        for compiled, msgid in patterns:
            if compiled.fullmatch(segment) or compiled.fullmatch(bare):
                return msgid
        for compiled, msgid in contained:
            if compiled.search(segment):
                return msgid
        return None

    def translations(self, language: str) -> set[str]:
        if language not in self._translations:
            self._translations[language] = {normal(t) for t in self.languages.get(language, {}).values() if t}
        return self._translations[language]

    def untranslated(self, english: set[str], foreign: set[str], language: str, stored=frozenset()) -> list:
        """(segment, msgid) of each segment the foreign page shows as the
        English page does. Not one that is the language's own word for
        something (French "Direction"), nor stored text (`stored`: as_shown)."""
        found = []
        for segment in sorted(segments(foreign) & segments(english)):
            msgid = self.marked(segment, language)
            # "Pod:" is German's "Pod" (msgid "pod") as a label: the bare form is the one to look up.
            shown = {segment, segment.strip(SURROUNDING)}
            if msgid is None or shown & self.translations(language) or is_data(segment, msgid, stored):
                continue
            found.append((segment, msgid))
        return found
