"""Names and answers in any script on the printed page (issue 23, item 8).

A PDF draws a character only if an embedded font has it. DejaVu Sans draws Latin, Greek,
Cyrillic, Hebrew and Arabic; other scripts come from fallback fonts (SPINECHECK_FONT_FALLBACK,
then the computer's). What no font can draw is never dropped silently: a name gives way to the
identifier with a note. Right-to-left names are shaped and ordered, read back from the PDF.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from spinecheck.assessment.report import SummaryInfo
from spinecheck.cli import app
from spinecheck.questionnaire.model import Urgency
from spinecheck.render import fonts
from spinecheck.render.document import Document, name_and_stand_in, page_header
from spinecheck.render.pdf import NAME_NOT_DRAWN, NOT_DRAWN, to_pdf
from tests.conftest import ROOT

runner = CliRunner()
REQUIRED = os.environ.get("SPINECHECK_REQUIRE_FONTS") == "1"
"""Set by .ci/run once it has installed the fonts below: then a missing font fails its test."""


def box_font(path: Path, characters: str, family: str = "SpinecheckTestBoxes") -> Path:
    """A tiny TrueType font whose only glyphs are boxes for `characters` (made with fontTools)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in characters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in characters})
    pen = TTGlyphPen(None)
    for x, y in ((100, 0), (100, 700), (800, 700), (800, 0)):
        (pen.lineTo if x != 100 or y != 0 else pen.moveTo)((x, y))
    pen.closePath()
    box = pen.glyph()
    builder.setupGlyf(dict.fromkeys(names, box))
    builder.setupHorizontalMetrics(dict.fromkeys(names, (900, 100)))
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))
    return path


def _answers(tmp_path: Path, file_name: str, **details: object) -> str:
    data = yaml.safe_load((ROOT / "tests" / "data" / "chronic_back.yaml").read_text("utf-8"))
    data["spinecheck"].update(details)
    path = tmp_path / file_name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def _pdf(tmp_path: Path, *files: str, audience: str = "clinician") -> bytes:
    out = tmp_path / "out.pdf"
    out.unlink(missing_ok=True)
    result = runner.invoke(app, ["summary", *files, "--audience", audience, "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _reader(data: bytes):  # type: ignore[no-untyped-def]
    import pypdf

    return pypdf.PdfReader(io.BytesIO(data))


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in _reader(data).pages]


def _embedded_fonts(data: bytes) -> set[str]:
    """The font names embedded in a PDF, without their subset prefix."""
    names = set()
    for page in _reader(data).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.fixture
def no_system_fonts(monkeypatch):
    """As on a computer with DejaVu Sans and nothing else."""
    monkeypatch.setattr(fonts, "system_fallbacks", lambda: [])
    monkeypatch.delenv(fonts.FALLBACK_VARIABLE, raising=False)


def test_a_configured_fallback_font_draws_a_script_the_body_font_lacks(
    tmp_path, monkeypatch, no_system_fonts
):
    font = box_font(tmp_path / "boxes.ttf", "김민준")
    monkeypatch.setenv(fonts.FALLBACK_VARIABLE, str(font))
    data = _pdf(tmp_path, _answers(tmp_path, "kim.yaml", patient={"name": "김민준"}))
    assert all(text.startswith("김민준") for text in _texts(data))  # every page's header
    assert "SpinecheckTestBoxes" in _embedded_fonts(data)


def test_a_summary_in_latin_script_embeds_no_fallback_font(tmp_path, monkeypatch):
    font = box_font(tmp_path / "boxes.ttf", "김민준")
    monkeypatch.setenv(fonts.FALLBACK_VARIABLE, str(font))
    data = _pdf(tmp_path, _answers(tmp_path, "ana.yaml", patient={"name": "Ana Muñoz"}))
    assert _embedded_fonts(data) == {"DejaVuSansBook", "DejaVuSansBold"}


@pytest.mark.parametrize("identifier", ["MRN 4512", None])
def test_a_name_no_font_can_draw_gives_way_to_the_identifier_and_says_so(
    tmp_path, no_system_fonts, identifier
):
    patient = {"name": "김민준"} | ({"identifier": identifier} if identifier else {})
    path = _answers(tmp_path, "kim.yaml", patient=patient)
    texts = _texts(_pdf(tmp_path, path))
    for text in texts:
        header = text.splitlines()[0]
        assert NAME_NOT_DRAWN.split()[0] in header
        assert (identifier or "kim.yaml") in header  # the page can still be matched
        assert "김" not in text
    day = _texts(_pdf(tmp_path, path, _answers(tmp_path, "ana.yaml", patient={"name": "Ana"})))
    assert "[name in a script" in day[0]  # the day list's row too
    assert "Ana" in day[0]


def test_when_the_identifier_cannot_be_drawn_either_the_answer_file_names_the_page(
    tmp_path, no_system_fonts
):
    path = _answers(tmp_path, "kim.yaml", patient={"name": "김민준", "identifier": "환자 12"})
    for text in _texts(_pdf(tmp_path, path)):
        header = " ".join(text.splitlines()[0].split())
        assert header.startswith(f"answers: {path}")
        assert "[name in a script" in header
        assert "환자" not in text


def test_other_text_no_font_can_draw_is_marked_not_dropped(tmp_path, no_system_fonts):
    path = _answers(tmp_path, "goals.yaml", patient={"name": "Ana", "identifier": "MRN 1"})
    data = yaml.safe_load(Path(path).read_text("utf-8"))
    data["goals"] = "Walk to 시장 again"
    Path(path).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = " ".join(" ".join(_texts(_pdf(tmp_path, path))).split())
    assert "Walk to " + " ".join(NOT_DRAWN.split()) + " again" in text


def test_a_fallback_font_that_is_missing_is_an_error_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setenv(fonts.FALLBACK_VARIABLE, str(tmp_path / "nowhere.ttf"))
    path = _answers(tmp_path, "kim.yaml", patient={"name": "김민준"})
    result = runner.invoke(app, ["summary", path, "--output", str(tmp_path / "k.pdf")])
    assert result.exit_code == 1
    assert "SPINECHECK_FONT_FALLBACK" in result.stderr
    assert "nowhere.ttf" in result.stderr
    assert "hint:" in result.stderr
    assert "Traceback" not in result.output


def test_fontconfig_charsets_are_read_as_ranges():
    has = fonts._in_ranges(fonts._ranges("20-7e a0-17f 4e00-9fff 1f600"))
    assert all(has(point) for point in (ord("A"), 0x4E2D, 0x1F600, 0x17F))
    assert not any(has(point) for point in (0x1F, 0x180, 0xAC00))


# Names from the scripts clinics meet, as a person writes them (logical order).
SYSTEM_NAMES = {
    "Chinese": ("张伟", "DroidSansFallback"),
    "Japanese": ("山田 太郎", "DroidSansFallback"),
    "Devanagari": ("राजेश कुमार", "LohitDevanagari"),
    "Thai": ("สมชาย ใจดี", "Garuda"),
    "Arabic": ("محمد عبد الله", "DejaVuSansBook"),
    "Hebrew": ("שלום כהן", "DejaVuSansBook"),
}
"""Each name with the font .ci/run installs for it (Debian: fonts-droid-fallback,
fonts-lohit-deva, fonts-tlwg-garuda-ttf; DejaVu Sans has Arabic and Hebrew)."""


def _system_draws(name: str) -> bool:
    missing = {c for c in name if not c.isspace()}
    body = fonts.characters_in(fonts.Face(fonts.find_fonts()[0]))
    _, undrawable = fonts.fallback_fonts({c for c in missing if ord(c) not in body})
    return not undrawable


@pytest.mark.parametrize("script", list(SYSTEM_NAMES))
def test_names_in_other_scripts_are_drawn_from_the_computers_fonts(tmp_path, script):
    name, font = SYSTEM_NAMES[script]
    if not _system_draws(name):
        if REQUIRED:
            pytest.fail(f"no font on this computer draws {script}: .ci/run installs one")
        pytest.skip(f"no font on this computer draws {script}")
    path = _answers(tmp_path, "p.yaml", patient={"name": name, "identifier": "MRN 9"})
    for audience in ("clinician", "patient"):
        data = _pdf(tmp_path, path, audience=audience)
        assert any(font in embedded for embedded in _embedded_fonts(data))
        for text in _texts(data):
            header = text.splitlines()[0]
            assert "[name in a script" not in header
            # pypdf puts a space between some shaped Indic clusters: compare without spaces
            assert "".join(name.split()) in "".join(header.split())


@pytest.mark.parametrize("script", ["Arabic", "Hebrew"])
def test_right_to_left_names_are_shaped_and_read_back_in_order(tmp_path, script):
    """Read back, a right-to-left name unshaped comes out reversed ('هللا دبع دمحم'); shaped
    and ordered by fpdf2, it reads as written, and its run sits where the name is in the line."""
    name = SYSTEM_NAMES[script][0]
    path = _answers(tmp_path, "p.yaml", patient={"name": name, "identifier": "MRN 9"})
    header = _texts(_pdf(tmp_path, path))[0].splitlines()[0]
    assert name in header
    assert header.strip().endswith("answered 20 Nov 2026")  # the English line stays left to right
    reversed_words = " ".join(word[::-1] for word in reversed(name.split()))
    assert reversed_words not in header


# Scripts drawn without shaping, and one (Egyptian hieroglyphs) no font here has.
_NAME_CHARACTERS = st.sampled_from("AbcÉñßØΑβΓДжЯ张伟山田김민준ひらがな\U00013000\U00013001-' ")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(_NAME_CHARACTERS, min_size=1, max_size=12).filter(lambda n: n.strip()))
def test_every_name_is_drawn_or_replaced_by_its_identifier_with_a_note(name):
    """Whatever the name, the PDF is made, and each header shows the whole name or, when a
    character of it cannot be drawn, the identifier and the note: never a name with holes."""
    name = " ".join(name.split())
    info = SummaryInfo(source="p.yaml", patient={"name": name, "identifier": "MRN 77"})
    document = Document(
        title="Summary",
        subtitle="",
        urgency=Urgency.ROUTINE,
        sections=(),
        footer="",
        header=page_header(info),
        names=name_and_stand_in(info),
    )
    header = _texts(to_pdf([document]))[0].splitlines()[0]
    if NAME_NOT_DRAWN.split()[0] in header:
        assert "MRN 77" in header
    else:
        assert "".join(name.split()) in "".join(header.split())


def test_shaping_is_asked_for_only_where_a_script_needs_it():
    from spinecheck.render.pdf import _needs_shaping

    assert all(_needs_shaping(c) for c in "مשि\u0e34")  # Arabic, Hebrew, a vowel sign, a Thai mark
    assert not any(_needs_shaping(c) for c in "Aé张김ДΩ")
    assert all(unicodedata.category(c) == "Mn" for c in "\u0e34\u0301")
    assert re.fullmatch(r"\[.*\]", NAME_NOT_DRAWN)
