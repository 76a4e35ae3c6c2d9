"""Every file the tool writes: never through a link, never over what is not its own, never where
it would be read back as answers, always valid, and one patient's failure never stops the
others (issue 23, 'never destroy or corrupt')."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.render.ours import is_our_output
from tests.conftest import DATA, minimal_answers, write_answers

runner = CliRunner()
SAMPLES = [DATA / "after_surgery.yaml", DATA / "chronic_back.yaml", DATA / "neck_uk.json"]
FORMATS = {
    "json": "json",
    "fhir": "fhir.json",
    "text": "txt",
    "markdown": "md",
    "html": "html",
    "pdf": "pdf",
}


def summary(*arguments: Any):
    return runner.invoke(app, ["summary", *map(str, arguments)])


# -- 1. no writer follows a link -----------------------------------------------------------------


@pytest.fixture
def plain(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TERM", "dumb")
    return tmp_path


def _lock_of(save: Path) -> Path:
    return save.with_name(f".{save.name}.lock")


def test_a_link_planted_at_the_walk_lock_is_refused_and_its_file_kept(plain):
    victim = plain / "precious.txt"
    victim.write_text("a clinic's notes")
    save = plain / "answers.yaml"
    _lock_of(save).symlink_to(victim)
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1, result.output
    assert victim.read_text() == "a clinic's notes"
    assert _lock_of(save).is_symlink()
    assert str(_lock_of(save)) in result.output  # the message names the lock file
    assert "symbolic link" in result.output
    assert "Traceback" not in result.output
    assert "question 1" not in result.output.lower()


def test_a_dangling_link_at_the_walk_lock_creates_nothing(plain):
    target = plain / "would-be-created"
    save = plain / "answers.yaml"
    _lock_of(save).symlink_to(target)
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1
    assert not target.exists()


def test_a_hard_link_at_the_walk_lock_is_never_truncated(plain):
    victim = plain / "precious.yaml"
    victim.write_text("pain_average: 7\n")
    save = plain / "answers.yaml"
    os.link(victim, _lock_of(save))
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1
    assert "hard link" in result.output
    assert victim.read_text() == "pain_average: 7\n"


def test_a_fifo_at_the_walk_lock_is_refused(plain):
    save = plain / "answers.yaml"
    os.mkfifo(_lock_of(save))
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1
    assert "not a plain file" in result.output


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_a_lock_owned_by_another_user_names_the_file_and_the_cause(plain):
    save = plain / "answers.yaml"
    lock = _lock_of(save)
    lock.write_text("123\n")
    os.chown(lock, 12345, 12345)
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1
    assert str(lock) in result.output
    assert "belongs to another user" in result.output
    assert "remove" in result.output


def test_an_unopenable_lock_names_the_file_and_the_real_cause(plain, monkeypatch):
    import errno

    import spinecheck.answers.progress as progress

    save = plain / "answers.yaml"
    _lock_of(save).write_text("1\n")  # made unreadable by another account's tool
    real_open = os.open

    def refuse(path: Any, flags: int, *rest: Any) -> int:
        if str(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(path, flags, *rest)

    monkeypatch.setattr(progress.os, "open", refuse)
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1
    assert str(_lock_of(save)) in result.output
    assert "permission denied" in result.output
    assert "another spinecheck walk" not in result.output  # not the wrong cause


def test_a_stale_lock_from_a_killed_walk_never_locks_the_patient_out(plain):
    save = plain / "answers.yaml"
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()  # a process id that no longer runs
    _lock_of(save).write_text(f"{child.pid}\n")
    _lock_of(save).chmod(0o600)
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 130, result.output  # walked, then stopped at end of input
    assert yaml.safe_load(save.read_text())["rf_saddle_numbness"] is False


def test_a_link_at_a_per_patient_file_is_refused_for_that_patient_only(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.md"
    victim.write_text("kept")
    (out / "chronic_back.md").symlink_to(victim)
    result = summary(*SAMPLES[:2], "--format", "markdown", "-o", f"{out}/", "--force")
    assert result.exit_code == 1
    assert victim.read_text() == "kept"
    assert (out / "after_surgery.md").is_file()
    assert "symbolic link" in result.stderr
    assert "could not be written" in result.stderr


def test_export_questionnaire_refuses_a_link(tmp_path):
    victim = tmp_path / "victim.json"
    victim.write_text("kept")
    link = tmp_path / "q.json"
    link.symlink_to(victim)
    result = runner.invoke(app, ["export-questionnaire", "-o", str(link), "--force"])
    assert result.exit_code == 1
    assert victim.read_text() == "kept"


def test_the_walk_save_file_is_never_written_through_a_link(plain):
    victim = plain / "victim.yaml"
    victim.write_text("kept")
    save = plain / "answers.yaml"
    save.symlink_to(victim)
    result = runner.invoke(app, ["start", "--plain", "--save", str(save)], input="n\n")
    assert result.exit_code == 1
    assert victim.read_text() == "kept"


def test_a_very_long_output_name_gets_a_short_enough_temporary_name(tmp_path):
    out = tmp_path / ("s" * 240 + ".json")
    result = summary(SAMPLES[0], "-o", out)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["urgency"]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


# -- 2. --force replaces only what spinecheck wrote ---------------------------------------------


@pytest.mark.parametrize("chosen", FORMATS)
def test_force_replaces_a_summary_of_ours_in_every_format(tmp_path, chosen):
    out = tmp_path / f"day.{FORMATS[chosen]}"
    assert summary(*SAMPLES, "--format", chosen, "-o", out).exit_code == 0
    assert is_our_output(out)
    for audience in ("patient", "clinician"):
        again = summary(
            SAMPLES[0], "--format", chosen, "-o", out, "--force", "--audience", audience
        )
        assert again.exit_code == 0, again.stderr
        assert is_our_output(out)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("answers.json", (DATA / "neck_uk.json").read_text()),  # an answer file (JSON)
        ("answers.json", "pain_average: 7\n"),  # YAML answers named .json
        ("notes.txt", "Phone Mrs Smith back.\nMade with spinecheck is a nice tool.\n"),
        ("letter.md", "# Referral\n\nnot ours\n"),
        ("report.html", "<!DOCTYPE html><html><head></head><body>clinic</body></html>"),
        ("scan.pdf", "%PDF-1.7\n/Creator (Word)\n"),
        ("bundle.json", json.dumps({"resourceType": "Bundle", "type": "collection", "entry": []})),
        ("list.json", "[]"),
        ("other.json", json.dumps({"urgency": "x"})),  # one key alike is not enough
        ("q.json", json.dumps({"resourceType": "Questionnaire", "url": "http://clinic/q"})),
    ],
)
def test_force_never_replaces_a_file_that_is_not_ours(tmp_path, name, content):
    out = tmp_path / name
    out.write_text(content)
    result = summary(SAMPLES[1], "-o", out, "--force")
    assert result.exit_code == 1
    assert "not written by spinecheck" in result.stderr
    assert out.read_text() == content


def test_an_answer_whose_text_copies_our_footer_is_still_not_ours(tmp_path, questionnaire):
    answers = minimal_answers(questionnaire, current_medications=["Made with spinecheck. x"])
    out = write_answers(tmp_path / "answers.txt", answers)
    before = out.read_text()
    assert summary(SAMPLES[1], "-o", out, "--force").exit_code == 1
    assert out.read_text() == before


def test_an_exported_questionnaire_may_be_replaced_with_force(tmp_path):
    out = tmp_path / "q.json"
    assert runner.invoke(app, ["export-questionnaire", "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["export-questionnaire", "-o", str(out), "--force"])
    assert result.exit_code == 0
    out.write_text('{"resourceType": "QuestionnaireResponse"}')
    result = runner.invoke(app, ["export-questionnaire", "-o", str(out), "--force"])
    assert result.exit_code == 1
    assert out.read_text() == '{"resourceType": "QuestionnaireResponse"}'


def test_force_in_a_per_patient_folder_keeps_a_foreign_file_and_writes_the_rest(tmp_path):
    out = tmp_path / "out"
    assert summary(*SAMPLES[:2], "--format", "markdown", "-o", f"{out}/").exit_code == 0
    (out / "chronic_back.md").write_text("the nurse's own notes")
    result = summary(*SAMPLES[:2], "--format", "markdown", "-o", f"{out}/", "--force")
    assert result.exit_code == 1
    assert (out / "chronic_back.md").read_text() == "the nurse's own notes"
    assert "Made with spinecheck" in (out / "after_surgery.md").read_text()
    assert "chronic_back.yaml" in result.stderr


# -- 3. an output never becomes the next run's input ---------------------------------------------


@pytest.fixture
def day(tmp_path):
    folder = tmp_path / "day"
    folder.mkdir()
    for sample in SAMPLES:
        (folder / sample.name).write_bytes(sample.read_bytes())
    return folder


@pytest.mark.parametrize("name", ["today.fhir.json", "today.json", "TODAY.JSON", "today.yaml"])
def test_an_output_inside_a_folder_given_as_input_is_refused(day, name):
    result = summary(f"{day}/", "--format", "fhir", "-o", day / name)
    assert result.exit_code in (1, 2)
    assert not (day / name).exists()
    assert sorted(p.name for p in day.iterdir()) == sorted(s.name for s in SAMPLES)


@pytest.mark.parametrize("chosen", ["json", "fhir"])
def test_a_summary_of_ours_in_a_folder_is_skipped_with_a_note(day, tmp_path, chosen):
    made = tmp_path / f"made.{FORMATS[chosen]}"
    assert summary(f"{day}/", "--format", chosen, "-o", made).exit_code == 0
    (day / f"zz-{made.name}").write_bytes(made.read_bytes())  # put there by hand
    result = summary(day, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(SAMPLES)  # nobody listed twice
    assert f"zz-{made.name}" in result.stderr
    assert "skipped" in result.stderr


def test_a_folder_holding_only_summaries_says_it_has_no_answers(tmp_path):
    folder = tmp_path / "only"
    folder.mkdir()
    assert summary(SAMPLES[0], "--format", "json", "-o", folder / "a.json").exit_code == 0
    result = summary(folder)
    assert result.exit_code == 1
    assert "no answer files" in result.stderr


# -- 4. every batch output is valid --------------------------------------------------------------


def _fhir_bundle_of_several(tmp_path: Path) -> Path:
    made = tmp_path / "several.fhir.json"
    assert summary(*SAMPLES, "--format", "fhir", "-o", made).exit_code == 0
    return made


@pytest.mark.parametrize("chosen", ["json", "fhir"])
@pytest.mark.parametrize("order", ["bundle first", "bundle last", "bundle alone", "bundle twice"])
def test_a_bundle_of_several_anywhere_in_a_batch_gives_valid_json(tmp_path, chosen, order):
    bundle = _fhir_bundle_of_several(tmp_path)
    inputs = {
        "bundle first": [bundle, SAMPLES[0]],
        "bundle last": [SAMPLES[0], bundle],
        "bundle alone": [bundle],
        "bundle twice": [bundle, bundle],
    }[order]
    for output in (None, tmp_path / f"out.{FORMATS[chosen]}"):
        arguments = [*inputs, "--format", chosen] + (["-o", output] if output else [])
        result = summary(*arguments)
        assert result.exit_code == 0, result.stderr
        text = output.read_text() if output else result.stdout
        parsed = json.loads(text)  # never starts with ',' or holds a ',,'
        count = (
            len(parsed)
            if chosen == "json"
            else sum(
                e["resource"]["resourceType"] == "QuestionnaireResponse" for e in parsed["entry"]
            )
        )
        responses = 3 * inputs.count(bundle) + len(inputs) - inputs.count(bundle)
        assert count == responses


# -- 5. one patient's failure never stops the others; names are limited in bytes ----------------


def test_a_patient_whose_file_cannot_be_written_is_reported_and_the_rest_written(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "chronic_back.txt").mkdir()  # a folder where that patient's file should go
    result = summary(*SAMPLES, "--format", "text", "-o", f"{out}/")
    assert result.exit_code == 1
    assert (out / "after_surgery.txt").is_file()
    assert (out / "neck_uk.txt").is_file()
    assert "chronic_back" in result.stderr
    assert "Wrote 2 summaries" in result.stderr


@pytest.mark.parametrize(
    "name",
    ["é" * 200, "山" * 150, "a" * 400, "𝔘" * 90, "-" * 10 + "x" * 300, "." * 300],
)
def test_long_names_in_any_script_become_file_names_within_the_byte_limit(
    tmp_path, questionnaire, name
):
    answers = minimal_answers(questionnaire)
    answers["spinecheck"] = {"format": 1, "patient": {"name": name}}
    source = write_answers(tmp_path / "answers.yaml", answers)
    out = tmp_path / "out"
    result = summary(source, "--format", "markdown", "-o", f"{out}/")
    assert result.exit_code == 0, result.stderr
    (written,) = out.iterdir()
    assert len(written.name.encode()) <= 140
    assert written.read_text()


def test_the_file_name_fallback_is_cleaned_like_a_name(tmp_path):
    source = tmp_path / "\x1b]52;c;ZXZpbA==\x07 smith\u202e.yaml"
    source.write_bytes(SAMPLES[0].read_bytes())
    out = tmp_path / "out"
    result = summary(source, "--format", "markdown", "-o", f"{out}/")
    assert result.exit_code == 0, result.stderr
    (written,) = out.iterdir()
    assert written.name.isprintable()
    assert "\x1b" not in written.name
    assert "\u202e" not in written.name
    assert "smith" in written.name
