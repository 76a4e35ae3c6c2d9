"""The core stays pure: no CLI, prompt or rendering library is imported by it."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "spinecheck.errors", "spinecheck.clean", "spinecheck.questionnaire.model", "spinecheck.questionnaire.reading", "spinecheck.questionnaire.loading", "spinecheck.answers.files",
    "spinecheck.questionnaire.conditions", "spinecheck.questionnaire.answering", "spinecheck.assessment.scoring", "spinecheck.assessment.medicines",
    "spinecheck.assessment.rules", "spinecheck.assessment.report", "spinecheck.answers.progress", "spinecheck.walk.logic",
    "spinecheck.walk.wording", "spinecheck.walk.plain", "spinecheck.render.plain",
    "spinecheck.render.document", "spinecheck.render.formats", "spinecheck.render.fhir",
    "spinecheck.render.markdown", "spinecheck.render.html", "spinecheck.launcher",
]  # fmt: skip
FORBIDDEN = ("typer", "click", "questionary", "prompt_toolkit", "rich")


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in output.split()}


def test_core_imports_no_cli_prompt_or_rendering_library():
    modules = imported_after(
        "import " + ", ".join(CORE) + "; from spinecheck.assessment.rules import assess"
    )
    assert not modules & set(FORBIDDEN), modules & set(FORBIDDEN)


def test_core_does_work_without_them():
    code = (
        "import sys\n"
        "for name in " + repr(FORBIDDEN) + ": sys.modules[name] = None\n"
        "from spinecheck.questionnaire.loading import load_questionnaire\n"
        "from spinecheck.assessment.rules import assess\n"
        "q = load_questionnaire()\n"
        "print(assess(q, {'rf_fever': True}).urgency.value)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "same_day"


def test_version_does_not_import_prompts_or_rendering():
    modules = imported_after(
        "sys.argv = ['spinecheck', '--version']\nfrom spinecheck.cli import app"
    )
    assert "questionary" not in modules
    assert "prompt_toolkit" not in modules
