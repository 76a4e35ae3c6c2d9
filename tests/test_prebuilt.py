"""Issue 26: the built-in questionnaire and medicine data checked at build time.

The artefact must give exactly what a fresh read gives, be used only for the very bytes it was
made from and this version, and never be needed (an editable install has none).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator

import msgspec
import pytest

from spinecheck import prebuild, prebuilt
from spinecheck.errors import SpinecheckError
from spinecheck.medicines import matching
from spinecheck.questionnaire.loading import load_questionnaire, questions_file
from tests.conftest import ROOT
from tests.test_stories import STORIES, summarise

MEDICINES = ROOT / "spinecheck" / "medicines" / "medicines.yaml"


@pytest.fixture(scope="module")
def artefact() -> bytes:
    return prebuild.make(questions_file(), MEDICINES)


@pytest.fixture
def using(monkeypatch, artefact) -> Iterator[prebuilt.Prebuilt]:
    """Runs as if installed from a wheel that holds this artefact."""
    decoded = msgspec.msgpack.decode(artefact, type=prebuilt.Prebuilt)
    monkeypatch.setattr(prebuilt, "_artefact", lambda: decoded)
    matching.default_index.cache_clear()
    yield decoded
    matching.default_index.cache_clear()


def test_an_editable_install_has_none_and_reads_the_files():
    assert not (ROOT / "spinecheck" / prebuilt.ARTEFACT).exists()
    assert prebuilt._artefact() is None
    assert load_questionnaire().id == "spinecheck_default"


def test_the_artefact_gives_the_same_questionnaire_and_every_storys_summary(using):
    fresh = _fresh_questionnaire()
    built = load_questionnaire()
    assert built == fresh
    for story in STORIES:
        with_artefact = summarise(story, built)
        matching.default_index.cache_clear()
        with _no_artefact():
            assert summarise(story, fresh) == with_artefact, story.name
        matching.default_index.cache_clear()


def test_the_artefact_is_what_a_run_uses(monkeypatch, using):
    """Proved with an artefact whose questionnaire says so in its title."""
    marked = msgspec.structs.replace(
        msgspec.msgpack.decode(using.questionnaire, type=type(_fresh_questionnaire())),
        title="made by the build",
    )
    changed = msgspec.structs.replace(
        using, questionnaire=msgspec.Raw(msgspec.msgpack.encode(marked))
    )
    monkeypatch.setattr(prebuilt, "_artefact", lambda: changed)
    assert load_questionnaire().title == "made by the build"


def _fresh_questionnaire():
    with _no_artefact():
        return load_questionnaire()


class _no_artefact:
    def __enter__(self) -> None:
        self.kept = prebuilt._artefact
        prebuilt._artefact = lambda: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        prebuilt._artefact = self.kept  # type: ignore[assignment]


def test_the_artefact_index_is_the_index_of_the_file(using):
    built = matching.default_index()
    matching.default_index.cache_clear()
    with _no_artefact():
        fresh = matching.default_index()
    for name in ("names", "display", "medicines", "class_labels", "product_words", "name_stems",
                 "abbreviations", "aspirin_products", "mme"):  # fmt: skip
        assert getattr(built, name) == getattr(fresh, name), name
    assert {k: p.pattern for k, p in built.phrases.items()} == {
        k: p.pattern for k, p in fresh.phrases.items()
    }


def test_other_bytes_are_read_and_checked(using):
    for source, used in ((questions_file().read_bytes(), prebuilt.questionnaire_for),
                         (MEDICINES.read_bytes(), prebuilt.medicines_for)):  # fmt: skip
        assert used(source) is not None
        assert used(source + b"\n# a clinic's edit\n") is None
        assert used(source.replace(b"\n", b"\r\n")) is None  # the same text, other bytes


def test_a_damaged_artefact_or_one_of_another_version_is_ignored(tmp_path, monkeypatch, artefact):
    decoded = msgspec.msgpack.decode(artefact, type=prebuilt.Prebuilt)
    other_version = msgspec.msgpack.encode(msgspec.structs.replace(decoded, version="0.0.1"))
    for content in (b"", b"\x00garbage", artefact[: len(artefact) // 2], other_version):
        folder = tmp_path / "pkg"
        folder.mkdir(exist_ok=True)
        (folder / prebuilt.ARTEFACT).write_bytes(content)
        monkeypatch.setattr(prebuilt, "__file__", str(folder / "prebuilt.py"))
        prebuilt._artefact.cache_clear()
        assert prebuilt._artefact() is None
    prebuilt._artefact.cache_clear()


def test_check_and_a_clinics_file_always_read_the_file(monkeypatch, using, tmp_path):
    """`check` (notes or strict) and any other path never take the artefact."""
    monkeypatch.setattr(prebuilt, "questionnaire_for", lambda source: pytest.fail("used"))
    notes: list[str] = []
    assert load_questionnaire(None, notes=notes).id == "spinecheck_default"
    assert load_questionnaire(None, strict=True).id == "spinecheck_default"
    copy = tmp_path / "questions.yaml"
    copy.write_bytes(questions_file().read_bytes())
    assert load_questionnaire(copy).id == "spinecheck_default"


def test_the_wheel_carries_the_artefact_made_from_its_own_files(tmp_path):
    """Built as `pip install .` builds it; what it holds equals a fresh read."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(tmp_path), "-q"],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if result.returncode != 0 and "No matching distribution" in result.stderr:
        pytest.skip("the build tools cannot be installed here (no package index)")
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("spinecheck-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        data = archive.read(f"spinecheck/{prebuilt.ARTEFACT}")
        packaged = archive.read("spinecheck/questions.yaml")
    decoded = msgspec.msgpack.decode(data, type=prebuilt.Prebuilt)
    assert decoded.questions_sha256 == prebuilt.digest(packaged)
    assert decoded.medicines_sha256 == prebuilt.digest(MEDICINES.read_bytes())
    fresh = _fresh_questionnaire()
    assert msgspec.msgpack.decode(decoded.questionnaire, type=type(fresh)) == fresh


def test_a_json_answer_file_needs_no_pyyaml(tmp_path, artefact):
    """With the artefact (as installed from a wheel), a FHIR or JSON answer file is summarised
    without importing PyYAML."""
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(json.loads((ROOT / "tests" / "data" / "neck_uk.json").read_text())),
        encoding="utf-8",
    )
    blob = tmp_path / "artefact.msgpack"
    blob.write_bytes(artefact)
    code = (
        "import sys, msgspec\n"
        "from spinecheck import prebuilt\n"
        f"decoded = msgspec.msgpack.decode(open({str(blob)!r}, 'rb').read(), type=prebuilt.Prebuilt)\n"
        "prebuilt._artefact = lambda: decoded\n"
        "from spinecheck.cli import main\n"
        f"sys.argv = ['spinecheck', 'summary', {str(answers)!r}, '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('PYYAML' if 'yaml' in sys.modules else 'NO-PYYAML', file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert '"urgency"' in run.stdout, run.stderr
    assert run.stderr.strip().endswith("NO-PYYAML")


def test_the_medicine_patterns_are_compiled_on_first_use_only():
    """Issue 26: importing the matcher and the dose reader compiles none of their patterns."""
    code = (
        "import re, sys\n"
        "compiled = []\n"
        "original = re.compile\n"
        "def counting(*args, **kwargs):\n"
        "    frame = sys._getframe(1).f_code.co_filename\n"
        "    if 'spinecheck' in frame and 'patterns.py' not in frame:\n"
        "        compiled.append(frame)\n"
        "    return original(*args, **kwargs)\n"
        "re.compile = counting\n"
        "import spinecheck.medicines.doses, spinecheck.medicines.matching\n"
        "print([f for f in compiled if 'medicines' in f])\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_the_artefact_gives_each_language_and_refuses_one_the_file_lacks(using):
    from spinecheck.questionnaire.loading import load_languages

    read = load_languages()
    for language in ("en", "es", "es-US"):
        assert load_questionnaire(language=language) == read[language.split("-")[0]]
    with pytest.raises(SpinecheckError, match="no French"):
        load_questionnaire(language="fr")
