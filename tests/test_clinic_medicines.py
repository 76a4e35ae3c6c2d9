"""Issue 28, item 8: a clinic adds its own medicine names and brands, checked like the built-in data.

A Canadian clinic's file: Robaxacet (methocarbamol 400 mg + acetaminophen 325 mg, an OTC muscle
relaxant combination; built in without its strength), Robaxacet Extra Strength (400 mg + 500 mg)
and Rivacocet (Laboratoire Riva, Quebec: oxycodone 5 mg + acetaminophen 325 mg; not built in).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.medicines.doses import daily_total
from spinecheck.medicines.matching import default_index
from spinecheck.questionnaire.clinic_medicines import medicine_index
from spinecheck.questionnaire.loading import load_questionnaire
from tests.conftest import DATA, ROOT

runner = CliRunner()

CANADIAN = """\
# Canadian products our patients take
combinations:
  Robaxacet: [methocarbamol, acetaminophen]                 # OTC: 400 mg / 325 mg
  Robaxacet Extra Strength: [methocarbamol, acetaminophen]  # OTC: 400 mg / 500 mg
  Rivacocet: [oxycodone, acetaminophen]                     # Riva: 5 mg / 325 mg
mme:
  fixed_strengths:
    Robaxacet: {methocarbamol: 400, acetaminophen: 325}
    Robaxacet Extra Strength: {methocarbamol: 400, acetaminophen: 500}
    Rivacocet: {oxycodone: 5, acetaminophen: 325}
"""

MEDICATIONS = [
    "Robaxacet 2 tablets 4 times a day",
    "Rivacocet 1 tablet every 6 hours",
    "Xanax 0.5 mg at night",
]


def clinic(
    folder: Path, medicines: str | None = CANADIAN, line: str | None = "clinic-medicines.yaml"
) -> Path:
    """A clinic's questionnaire (the built-in one, its own id) naming a medicine file."""
    text = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    text = text.replace("id: spinecheck_default\n", "id: riverside_spine\n", 1)
    text = text.replace('version: "2026.11.1"\n', 'version: "2026.12-riverside.1"\n', 1)
    if line is not None:
        text = text.replace("languages: [es]\n", f"languages: [es]\nmedicines: {line}\n", 1)
    path = folder / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    if medicines is not None:
        (folder / "clinic-medicines.yaml").write_text(medicines, encoding="utf-8")
    return path


def answers(folder: Path) -> Path:
    text = (DATA / "chronic_back.yaml").read_text(encoding="utf-8")
    text = text.replace("questionnaire: spinecheck_default", "questionnaire: riverside_spine")
    text = text.replace(
        'questionnaire_version: "2026.11.1"', 'questionnaire_version: "2026.12-riverside.1"'
    )
    start, end = text.index("medications:\n"), text.index("alcohol_per_week:")
    listed = "".join(f"  - {line}\n" for line in MEDICATIONS)
    path = folder / "answers.yaml"
    path.write_text(text[:start] + "medications:\n" + listed + text[end:], encoding="utf-8")
    return path


def summary(*args: str) -> dict:
    result = runner.invoke(app, ["summary", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    return found


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_clinic_brand_is_read_with_its_strength_and_class(tmp_path):
    read = summary(str(answers(tmp_path)), "--questions", str(clinic(tmp_path)))
    robaxacet, rivacocet = read["medications"][:2]
    assert robaxacet["generic_names"] == ["methocarbamol", "acetaminophen"]
    assert "muscle_relaxant" in robaxacet["classes"]
    assert rivacocet["recognized"]
    assert rivacocet["read_as"] == "Rivacocet"
    assert rivacocet["generic_names"] == ["oxycodone", "acetaminophen"]
    totals = {line["as_typed"]: line for line in read["acetaminophen"]["lines"]}
    assert totals[MEDICATIONS[0]]["mg_per_day"] == 2 * 325 * 4 == 2600
    assert "325 mg × 2 per dose × 4 a day" in totals[MEDICATIONS[0]]["working"]
    assert read["acetaminophen"]["total_mg_per_day"] == 2600 + 1300
    assert read["mme"]["total_per_day"] == 5 * 4 * 1.5
    flags = {flag["id"] for flag in read["medication_flags"]}
    assert {"opioid_benzodiazepine", "opioid_muscle_relaxant", "acetaminophen_liver"} <= flags


def test_without_the_clinic_file_the_names_are_not_known(tmp_path):
    # the clinic's questionnaire without its medicine file: the built-in medicine data
    read = summary(str(answers(tmp_path)), "--questions", str(clinic(tmp_path, None, line=None)))
    robaxacet, rivacocet = read["medications"][:2]
    assert not rivacocet["recognized"]
    assert robaxacet["generic_names"] == ["methocarbamol", "acetaminophen"]  # built in, but...
    assert read["acetaminophen"]["total_mg_per_day"] is None  # ...its strength is not
    assert read["mme"] is None


def test_the_clinician_page_reads_the_clinic_brand(tmp_path):
    result = runner.invoke(
        app,
        ["summary", str(answers(tmp_path)), "--questions", str(clinic(tmp_path)),
         "--audience", "clinician", "--format", "text"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = " ".join(result.stdout.split())
    assert "Rivacocet" in page
    assert "oxycodone" in page
    assert "MME" in page
    assert "2,600 mg/day" in page


def test_the_walk_suggests_the_clinic_names(tmp_path):
    from spinecheck.walk.session import _front_end

    questionnaire = load_questionnaire(clinic(tmp_path))
    asker, _ = _front_end(False, io.StringIO(), questionnaire)
    assert {"Rivacocet", "Robaxacet Extra Strength", "Percocet"} <= set(asker.completions)
    built_in, _ = _front_end(False, io.StringIO(), load_questionnaire())
    assert "Rivacocet" not in built_in.completions


def test_no_clinic_file_keeps_the_built_in_data_as_it_was():
    questionnaire = load_questionnaire()
    assert questionnaire.medicines is None
    assert medicine_index(questionnaire) is default_index()


def test_each_strength_of_a_product_is_read_under_its_own_name(tmp_path):
    index = medicine_index(load_questionnaire(clinic(tmp_path)))
    for typed, mg in (
        ("Robaxacet Extra Strength 2 tablets 3 times a day", 500),
        ("Robaxacet 2 tablets 3 times a day", 325),
    ):
        total = daily_total(list(index.match_entry(typed)), index)
        assert total is not None
        assert total.total == 2 * mg * 3, typed


def test_a_name_repeated_with_its_built_in_meaning_is_accepted(tmp_path):
    result = runner.invoke(
        app,
        [
            "check",
            str(clinic(tmp_path, "combinations:\n  ROBAXACET: [acetaminophen, methocarbamol]\n")),
        ],
    )
    assert result.exit_code == 0, result.output


def check(path: Path) -> str:
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "../clinic-medicines.yaml",
            "'../clinic-medicines.yaml' leaves this questionnaire's folder",
        ),
        ("shared/../../x.yaml", "'shared/../../x.yaml' leaves this questionnaire's folder"),
        (
            "/etc/passwd",
            "the medicine file must be named from this questionnaire's folder, not as '/etc/passwd'",
        ),
        ("nope.yaml", "medicine file 'nope.yaml' not found"),
    ],
)
def test_a_medicine_file_outside_the_folder_or_missing_is_refused_at_its_line(
    tmp_path, written, message
):
    path = clinic(tmp_path, line=written)
    stderr = check(path)
    assert f"{path}:{line_of(path, 'medicines: ')}:12: {message}" in stderr
    assert "hint: " in stderr


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(CANADIAN)
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "clinic-medicines.yaml").symlink_to(outside)
    path = clinic(folder, medicines=None)
    stderr = check(path)
    assert "'clinic-medicines.yaml' leads outside this questionnaire's folder" in stderr


@pytest.mark.parametrize(
    ("medicines", "where", "message", "hint"),
    [
        (
            "combinations:\n  Rivacocet: [oxycodone, paracetamol]\n",
            "paracetamol",
            "Rivacocet: unknown medicine 'paracetamol'",
            "'paracetamol' is a name of acetaminophen: list generic names",
        ),
        (
            "combinations:\n  Rivacocet: [oxycodon, acetaminophen]\n",
            "oxycodon",
            "Rivacocet: unknown medicine 'oxycodon'",
            "did you mean 'oxycodone'?",
        ),
        (
            "combinations:\n  Rivacocet: [oxycodone, acetaminophen\n",
            None,
            "YAML syntax error",
            "check indentation, colons and quotes",
        ),
        (
            "combinations:\n  Percocet: [oxycodone, ibuprofen]\n",
            "Percocet",
            "'Percocet' is already a built-in name (Percocet) for oxycodone + acetaminophen",
            "a name means one thing",
        ),
        (
            "combinations:\n  Tylenol #3: [codeine, acetaminophen]\n",
            "Tylenol",
            "combinations must be a mapping",
            "a name with '#' must be quoted",
        ),
        (
            "combinations:\n  Rivacocet: [oxycodone, acetaminophen]\n  RIVACOCET: [oxycodone]\n",
            "RIVACOCET",
            "'RIVACOCET' is named twice in this file, as oxycodone + acetaminophen and as oxycodone",
            "remove one of them",
        ),
        (
            "medicines:\n  orphenadrine: {classes: [nsaid]}\n",
            "nsaid",
            "a clinic's medicine file cannot change what orphenadrine is",
            "leave out classes",
        ),
        (
            "medicines:\n  Robaxin: {names: [Robaxin-750]}\n",
            "Robaxin",
            "'Robaxin' is already a built-in name (Robaxin) for methocarbamol",
            "a name means one thing",
        ),
        (
            "medicines:\n  cyclobenzaprine: {names: [Relief]}\n",
            "Relief",
            "'Relief' is an ordinary word",
            "give the product's full name",
        ),
        (
            "medicines:\n  zuranolone: {classes: [neurosteroid]}\n",
            "neurosteroid",
            "unknown medicine class 'neurosteroid'",
            "a clinic cannot add one",
        ),
        (
            "medicines:\n  zuranolone: {classes: [muscle_relaxer]}\n",
            "muscle_relaxer",
            "unknown medicine class 'muscle_relaxer'",
            "did you mean 'muscle_relaxant'?",
        ),
        (
            "combinations:\n  Rivacocet: [oxycodone, acetaminophen]\n"
            "mme:\n  fixed_strengths:\n    Rivacocet: {oxycodone: 5, acetaminophen: 325000}\n",
            "325000",
            "325000 mg is not a strength acetaminophen comes in (200 to 1000 mg)",
            "give the mg in one tablet",
        ),
        (
            "mme:\n  fixed_strengths:\n    Rivacocet: {oxycodone: 5}\n",
            "Rivacocet",
            "unknown product 'Rivacocet'",
            "name it under combinations",
        ),
        (
            "mme:\n  fixed_strengths:\n    Robaxacet: {codeine: 8}\n",
            "codeine",
            "Robaxacet holds no codeine",
            "its medicines are: methocarbamol, acetaminophen",
        ),
        (
            "mme:\n  fixed_strengths:\n    paracetamol: {acetaminophen: 500}\n",
            "paracetamol",
            "'paracetamol' is a built-in name of acetaminophen alone: its strength varies",
            "give fixed strengths to a product whose name says its strength",
        ),
        (
            'mme:\n  fixed_strengths:\n    "Tylenol #3": {acetaminophen: 325}\n',
            "acetaminophen",
            "Tylenol #3 is built in with 300 mg of acetaminophen",
            "add it under its own name",
        ),
        (
            "mme:\n  factors: {tramadol: 1}\n",
            "factors",
            "a clinic's medicine file cannot set mme 'factors'",
            "spinecheck's (CDC 2022",
        ),
        (
            "classes:\n  neurosteroid: neurosteroid\n",
            "classes",
            "a clinic's medicine file cannot set 'classes'",
            "spinecheck's own",
        ),
        (
            "combination:\n  Rivacocet: [oxycodone, acetaminophen]\n",
            "combination",
            "unknown key 'combination'",
            "did you mean 'combinations'?",
        ),
        (
            "combinations:\n  Rivacocet: [oxycodone, acetaminophen]\n  Rivacocet: [oxycodone]\n",
            "Rivacocet: [oxycodone]",
            "duplicate key 'Rivacocet'",
            "each key may appear once",
        ),
    ],
)
def test_the_medicine_files_problems_are_reported_at_its_own_lines(
    tmp_path, medicines, where, message, hint
):
    path = clinic(tmp_path, medicines)
    stderr = check(path)
    medicine_file = tmp_path / "clinic-medicines.yaml"
    where_said = f"{medicine_file}:{line_of(medicine_file, where)}:" if where else medicine_file
    assert f"{where_said}" in stderr
    assert message in stderr
    assert "hint: " in stderr
    assert hint in stderr


def test_the_documented_example_is_a_good_file(tmp_path):
    docs = (ROOT / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    section = docs[docs.index("### Clinic medicine names") :]
    example = section[section.index("```yaml\n") + 8 : section.index("```\n", 10)]
    index = medicine_index(load_questionnaire(clinic(tmp_path, example)))
    assert index.match("Robaxin-750 twice a day").generic_names == ("methocarbamol",)
    assert index.match("Rivacocet").generic_names == ("oxycodone", "acetaminophen")
