"""Properties of the field-data importer's doors under arbitrary input
(hypothesis): the importer (as the command and the admin upload call it),
the command itself, and each field-data API create endpoint. Whatever comes
in, the answer is the importer's refusal (a 400 naming rows and columns on
the API) or success; never another exception or a 500, and a refusal writes
nothing. Each example runs in a savepoint that is rolled back, so that what
one example wrote does not change the next."""

import contextlib
import io
import json
import pathlib
import tempfile

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kpis.importing import COLUMNS, ImportRefused, field_data_import
from tests.factories import PodFactory, UserFactory
from tests.kpis.test_field_api_bad_input import API_ROWS
from tests.kpis.test_import_bad_input import BASE, counts, files_with

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,  # nothing written under the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text as a JSON body can carry it: lone surrogates too.
any_text = st.text(st.one_of(st.characters(), st.characters(categories=["Cs"])), max_size=80)
# Values near the edges of what the importer accepts.
SPECIAL = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "x" * 201,
    "é" * 65,
    "0001-01-01",
    "1999-12-31",
    "9999-12-31",
    "2024-02-30",
    "2024-10-01T25:00:00Z",
    "2024-10-01T10:00:00+14:30",
    "2024-10-01T10:00:00-14:00",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:00:00-02:00",
    "1999-12-31T23:00:00-02:00",
    "日本",
    "!!!",
    '"',
    "a\rb",
    "a\nb",
    "E-1",
    "e-1",
    "p-1",
    "N-1",
    "I-1",
    "installer-4",
    "yes",
]
cell = st.one_of(st.sampled_from(SPECIAL), any_text.filter(lambda t: not any("\ud800" <= c <= "\udfff" for c in t)))


@contextlib.contextmanager
def rolled_back():
    """A savepoint undone after the example, whatever it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def attempt(files) -> None:
    """Import `files`: success or a refusal that wrote nothing."""
    before = counts()
    with rolled_back():
        try:
            field_data_import(actor=None, files=files)
        except ImportRefused as refused:
            event("refused")  # --hypothesis-show-statistics: both outcomes are reached
            assert refused.errors
            assert counts() == before
        else:
            event("imported")
    assert counts() == before


@pytest.fixture
def stored(db):
    """The base files imported, so that references in fuzzed rows can match."""
    field_data_import(actor=None, files=files_with())


# (a) Arbitrary files -------------------------------------------------------------------------


@st.composite
def csv_texts(draw) -> str:
    """A header (usually the file's own) and rows of cells, some quoted,
    joined by any line end."""
    name = draw(st.sampled_from(list(COLUMNS)))
    header = draw(st.one_of(st.just(COLUMNS[name]), st.lists(st.sampled_from([*COLUMNS[name], "x", ""]), max_size=8)))
    rows = draw(st.lists(st.lists(cell, max_size=len(COLUMNS[name]) + 1), max_size=5))
    end = st.sampled_from(["\n", "\r\n", "\r"])

    def line(cells):
        return ",".join(f'"{c}"' if draw(st.booleans()) else c for c in cells)

    return name, line(header) + draw(end) + "".join(line(r) + draw(end) for r in rows)


@FUZZ
@given(name=st.sampled_from(list(COLUMNS)), data=st.binary(max_size=300), bom=st.booleans())
def test_arbitrary_bytes_are_imported_or_refused(stored, name, data, bom):
    attempt({name: (b"\xef\xbb\xbf" if bom else b"") + data})
    # Behind a header of the file's own, so that the rows are read.
    attempt({name: ",".join(COLUMNS[name]).encode() + b"\n" + data})


@FUZZ
@given(name=st.sampled_from(list(COLUMNS)), text=st.text(max_size=300))
def test_arbitrary_text_is_imported_or_refused(stored, name, text):
    attempt({name: text})
    attempt({name: ",".join(COLUMNS[name]) + "\n" + text})


@FUZZ
@given(named=csv_texts(), as_bytes=st.booleans())
def test_csv_shaped_files_are_imported_or_refused(stored, named, as_bytes):
    name, text = named
    attempt({name: text.encode() if as_bytes else text})


@FUZZ
@given(name=st.sampled_from(list(BASE)), data=st.data())
def test_almost_valid_files_with_one_value_changed_are_imported_or_refused(stored, name, data):
    column = data.draw(st.sampled_from(list(BASE[name])))
    files = files_with(name, **{column: data.draw(cell)})
    attempt(files)
    attempt({name: files[name]})


@settings(FUZZ, max_examples=15)
@given(name=st.sampled_from(list(BASE)), column_value=st.data(), raw=st.binary(max_size=100))
def test_the_command_imports_or_refuses_with_file_and_line(stored, name, column_value, raw):
    column = column_value.draw(st.sampled_from(list(BASE[name])))
    files = {n: text.encode() for n, text in files_with(name, **{column: column_value.draw(cell)}).items()}
    files[name] += raw
    before = counts()
    with tempfile.TemporaryDirectory() as directory, rolled_back():
        for file_name, data in files.items():
            (pathlib.Path(directory) / file_name).write_bytes(data)
        stderr = io.StringIO()
        try:
            call_command("import_field_data", directory, stdout=io.StringIO(), stderr=stderr)
        except CommandError:
            assert counts() == before
            assert stderr.getvalue().startswith(directory)
    assert counts() == before


# (b) Arbitrary JSON to the field-data API ---------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
    | st.sampled_from(SPECIAL),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=12,
)


@st.composite
def bodies(draw, endpoint: str):
    """Arbitrary JSON, or rows that are almost valid: one value changed, a
    key dropped or added."""
    if draw(st.integers(0, 3)) == 0:
        return draw(json_values)
    rows = []
    for index in range(draw(st.integers(1, 3))):
        row = dict(API_ROWS[endpoint])
        # Rows of their own (no duplicates), so that a body of valid rows is created.
        if endpoint == "visits":
            row["visited_at"] = f"2024-09-12T{index:02}:30:00Z"
        else:
            id_column = next(iter(row))
            row[id_column] = f"{row[id_column]}-{index}"
        column = draw(st.sampled_from(list(row)))
        change = draw(st.sampled_from(["value", "value", "drop", "add", "none"]))
        if change == "value":
            row[column] = draw(st.one_of(st.sampled_from(SPECIAL), any_text, json_values))
        elif change == "drop":
            del row[column]
        elif change == "add":
            row[draw(any_text)] = draw(json_values)
        rows.append(row)
    return {"rows": rows} if len(rows) > 1 or draw(st.booleans()) else rows[0]


def only_scalars(body) -> bool:
    """True if every row of `body` is an object of text, numbers, booleans and nulls."""
    rows = body["rows"] if isinstance(body, dict) and "rows" in body else [body]
    return isinstance(rows, list) and all(
        isinstance(row, dict) and all(v is None or isinstance(v, str | int | float) for v in row.values())
        for row in rows
    )


def messages(body) -> list[str]:
    if isinstance(body, dict):
        return [m for value in body.values() for m in messages(value)]
    if isinstance(body, list):
        return [m for value in body for m in messages(value)]
    return [body]


@pytest.fixture
def integration(api, stored):
    PodFactory(code="p-2")
    return api.as_user(UserFactory(role="admin", username="ticketing-bot"))


@pytest.mark.parametrize("endpoint", list(API_ROWS))
def test_arbitrary_json_to_the_field_api_is_created_or_refused(integration, endpoint):
    @FUZZ
    @given(body=bodies(endpoint))
    def post(body):
        before = counts()
        with rolled_back():
            response = integration.post(f"/api/v1/{endpoint}/", data=json.dumps(body), content_type="application/json")
            assert response.status_code in (201, 400), (response.status_code, response.content[:500])
            event(f"status {response.status_code}")
            # A list or an object is never stored as its Python text.
            assert response.status_code == 400 or only_scalars(body)
            if response.status_code == 400:
                refusal = response.json()
                assert isinstance(refusal, dict) and refusal
                assert all(isinstance(m, str) and m for m in messages(refusal))
                assert counts() == before
        assert counts() == before

    post()
