"""Japanese on paper: a runbook whose text is Japanese comes out of the PDF
with its characters drawn from a Japanese font (IPAex Gothic, Debian's
fonts-ipaexfont-gothic, after DejaVu in print.css), embedded and read back
intact, while its Latin text stays in DejaVu."""

import subprocess

import pytest
from django.utils.translation import override

from onboarding import printing
from onboarding.document_services import document_create, document_publish

pytestmark = pytest.mark.django_db

TITLE = "設置手順書"
HEADING = "ノードの設置"
# Kana, common kanji, a second-level JIS kanji (鑑, 錆) and full-width punctuation.
SENTENCE = "天井の金具に錆がないか確認し、鑑定ラベル（シリアル番号）を控えてください。"
LATIN = "Check the NODE-1 mount"


def test_a_japanese_runbook_prints_in_a_japanese_font_and_reads_back_whole(tmp_path):
    document = document_create(actor=None, kind="runbook", slug="setup-ja", title=TITLE)
    body = f"# {HEADING}\n\n{SENTENCE}\n\n{LATIN}.\n\n| 手順 | 確認 |\n|---|---|\n| 電源 | 済み |\n"
    path = tmp_path / "setup-ja.pdf"
    path.write_bytes(printing.document_pdf(document_publish(actor=None, document=document, body=body)))

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    japanese = [row for row in rows if "IPAex" in row[0]]
    assert japanese, f"no Japanese font in the PDF (run `make system-packages`):\n{fonts}"
    # Columns from the right: emb, sub, uni, object number, generation.
    assert all(row[-5] == "yes" and row[-3] == "yes" for row in japanese), fonts
    assert any("DejaVu-Sans" in row[0] for row in rows), fonts  # the Latin text's font is unchanged

    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for words in (TITLE, HEADING, SENTENCE, "手順", "電源", "済み"):
        assert words in flat, text
    assert LATIN in " ".join(text.split())
    assert "\ufffd" not in text  # no character lost on the way


FOOTERS = [("en", "Page 1 of 1"), ("de", "Seite 1 von 1"), ("ja", "1/1ページ"), ("fr", "Page 1 sur 1")]


@pytest.mark.parametrize(("language", "footer"), FOOTERS)
def test_the_page_numbers_are_in_the_readers_language(tmp_path, language, footer):
    document = document_create(actor=None, kind="runbook", slug=f"short-{language}", title="Short")
    version = document_publish(actor=None, document=document, body="# Short\n\nOne page.\n")
    path = tmp_path / "short.pdf"
    with override(language):
        path.write_bytes(printing.document_pdf(version))
        margins = printing.page_margin_css(version)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    shown = " ".join(text.split())
    assert footer in (shown if language != "ja" else "".join(text.split())), text
    assert "counter(page)" in margins and "counter(pages)" in margins  # the browser's print view too
    if language != "en":
        assert "Page 1 of 1" not in shown
