"""docs/clinic-example.md, run as written: every edit, command and output it shows (issue 28).

The page is read block by block. An HTML comment before a block says what to do with it:
`replace: 'OLD'`, `insert before: "ANCHOR"`, `insert after: "ANCHOR"` (Python string literals) edit
the clinic's file; `file: NAME` writes the block to a file; `mistake: replace "OLD" with "NEW"`
checks a broken copy and expects the text block's lines; `typed: "KEYS"` before a `sh` block is what a
person types into its command. A `sh` block's `spinecheck ...` commands run in the example's folder, and a
`text` block right after one holds lines its output (or the file it writes) must show.
"""

from __future__ import annotations

import ast
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spinecheck.cli import app
from spinecheck.questionnaire import contract
from tests.conftest import ROOT

PAGE = ROOT / "docs" / "clinic-example.md"
runner = CliRunner()


@dataclass
class Block:
    language: str
    text: str
    instruction: str | None


def blocks(page: str) -> list[Block]:
    """The fenced blocks of the page, each with the HTML comment just before it (if any)."""
    found = []
    pattern = re.compile(r"(?:<!-- (?P<note>.+?) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)
    for match in pattern.finditer(page):
        found.append(Block(match["lang"], match["body"], match["note"]))
    return found


def literal(text: str) -> str:
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def edited(text: str, instruction: str, body: str) -> str:
    kind, _, argument = instruction.partition(": ")
    anchor = literal(argument)
    assert text.count(anchor) == 1, f"the page's anchor is not in the file once: {anchor!r}"
    if kind == "replace":
        return text.replace(anchor, body.rstrip("\n"))
    if kind == "insert before":
        return text.replace(anchor, "\n" + body.rstrip("\n") + anchor)
    assert kind == "insert after", instruction
    return text.replace(anchor, anchor + body)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(command: str, typed: str | None, folder: Path) -> tuple[int, str]:
    words = shlex.split(command)
    if words[:1] == ["cp"]:
        source = ROOT / words[1] if words[1] == "questions.yaml" else folder / words[1]
        shutil.copyfile(source, folder / words[2])
        return 0, ""
    assert words[0] == "spinecheck", command
    result = runner.invoke(app, words[1:], input=typed)
    return result.exit_code, result.output


def test_the_worked_example_does_what_the_page_says(example: Path):
    page = PAGE.read_text(encoding="utf-8")
    clinic = example / "riverside.yaml"
    last: tuple[str, str] | None = None  # the last command and what it printed or wrote
    typed: str | None = None
    ran = 0
    for block in blocks(page):
        note = block.instruction or ""
        if block.language == "sh":
            if note.startswith("typed: "):
                typed = literal(note.removeprefix("typed: "))
            for command in block.text.strip().splitlines():
                code, output = run(command, typed, example)
                assert code == 0, f"{command}\n{output}"
                written = re.search(r"--output (\S+)", command)
                if written:
                    output = (example / written[1]).read_text(encoding="utf-8")
                last = (command, output)
                ran += 1
            typed = None
        elif note.startswith(("replace: ", "insert before: ", "insert after: ")):
            clinic.write_text(edited(clinic.read_text("utf-8"), note, block.text), "utf-8")
        elif note.startswith("file: "):
            (example / note.removeprefix("file: ")).write_text(block.text, "utf-8")
        elif note.startswith("mistake: "):
            old, new = re.fullmatch(r'mistake: replace (".*?") with (".*?")', note).groups()
            text = clinic.read_text("utf-8")
            assert literal(old) in text
            broken = example / "broken" / clinic.name
            broken.parent.mkdir(exist_ok=True)
            broken.write_text(text.replace(literal(old), literal(new), 1), "utf-8")
            result = runner.invoke(app, ["check", str(broken.relative_to(example))])
            assert result.exit_code == 1
            shown = flat(result.stderr).replace("broken/", "")
            for line in block.text.strip().splitlines():
                assert flat(line) in shown, line
        elif block.language == "text" and last is not None:
            command, output = last
            for line in block.text.strip().splitlines():
                assert flat(line) in flat(output), f"{command}: {line}"
            last = None
    assert ran >= 6  # cp, check, start, two summaries, export


def test_the_preview_in_the_example_shows_the_new_questions(example: Path):
    """Step 5 as a person would do it: yes, then the claim, then Enter past the rest."""
    page = PAGE.read_text(encoding="utf-8")
    clinic = ROOT / "questions.yaml"
    text = clinic.read_text(encoding="utf-8")
    for block in blocks(page):
        note = block.instruction or ""
        if note.startswith(("replace: ", "insert before: ", "insert after: ")):
            text = edited(text, note, block.text)
    (example / "riverside.yaml").write_text(text, encoding="utf-8")
    command = next(line for line in page.splitlines() if "--from workplace_injury" in line)
    code, output = run(command, "y\n1\n" + "\n" * 40, example)
    assert code == 0, output
    shown = flat(output)
    assert "Did this pain start with an injury at work?" in shown
    assert "Have you made a claim for this injury with WorkSafeBC?" in shown
    assert "Preview finished. Nothing was saved" in shown
    assert [p for p in example.rglob("*") if p.is_file()] == [example / "riverside.yaml"]


def contract_table() -> str:
    """The contract's questions as the page lists them."""
    rows = ["| id | kind | values |", "| --- | --- | --- |"]
    for fixed in contract.QUESTIONS.values():
        kind = fixed.kind.value + (", required" if fixed.required else "")
        if fixed.values:
            values = ", ".join(f"`{value}`" for value in fixed.values)
        elif fixed.low is not None:
            values = f"{fixed.low} to {fixed.high}"
        else:
            values = ""
        rows.append(f"| `{fixed.id}` | {kind} | {values} |")
    return "\n".join(rows) + "\n"


def test_the_page_lists_every_contract_id_with_its_values():
    page = PAGE.read_text(encoding="utf-8")
    marker = "<!-- contract ids -->\n"
    assert marker in page
    listed = page.split(marker, 1)[1]
    assert listed.strip() == contract_table().strip(), (
        "docs/clinic-example.md: replace the table after the marker with tests."
        "test_clinic_example.contract_table()"
    )
