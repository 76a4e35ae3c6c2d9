"""The layers stay apart: the core imports no walk, renderer, CLI, prompt or drawing library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "spinecheck"
CORE_PACKAGES = ("medicines", "questionnaire", "answers", "assessment")
CORE_FILES = [path for name in CORE_PACKAGES for path in sorted((PACKAGE / name).glob("*.py"))] + [
    PACKAGE / "errors.py",
    PACKAGE / "clean.py",
]
FORBIDDEN = ("typer", "click", "questionary", "prompt_toolkit", "rich")
FORBIDDEN_OURS = ("spinecheck.walk", "spinecheck.render", "spinecheck.printing", "spinecheck.cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


CORE = [module_name(path) for path in CORE_FILES]


def imported_names(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def forbidden_in(names: set[str]) -> set[str]:
    return {
        name
        for name in names
        if name.split(".")[0] in FORBIDDEN
        or any(name == ours or name.startswith(ours + ".") for ours in FORBIDDEN_OURS)
    }


def test_every_core_module_is_listed():
    assert len(CORE) >= 15
    assert "spinecheck.assessment.rules" in CORE
    assert "spinecheck.questionnaire.loading" in CORE


def test_no_core_file_imports_a_layer_above_it_even_lazily():
    offenders = {str(path.name): forbidden_in(imported_names(path)) for path in CORE_FILES}
    assert not {name: found for name, found in offenders.items() if found}


FLOORS = {
    # each package and the packages of ours it may import (issue 21: no arrow runs back up)
    "medicines": set(),
    "questionnaire": {"medicines"},
    "assessment": {"medicines", "questionnaire"},
    "answers": {"medicines", "questionnaire", "assessment"},
}


def test_the_core_floors_import_only_downwards():
    wrong = {}
    for package, allowed in FLOORS.items():
        for path in sorted((PACKAGE / package).glob("*.py")):
            ours = {
                name.split(".")[1]
                for name in imported_names(path)
                if name.startswith("spinecheck.") and name.count(".") >= 1
            }
            # the floor under every floor (words: the tool's own phrases, pure data)
            ours -= {"errors", "clean", "prebuilt", "words", package}
            if ours - allowed:
                wrong[f"{package}/{path.name}"] = sorted(ours - allowed)
    assert wrong == {}


def test_the_check_would_catch_an_offender(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from spinecheck.render.plain import clean\n    import rich\n")
    assert forbidden_in(imported_names(sample)) == {
        "spinecheck.render.plain", "spinecheck.render.plain.clean", "rich",
    }  # fmt: skip


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return set(output.split())


def test_core_imports_no_cli_prompt_or_rendering_library():
    modules = imported_after(
        "import " + ", ".join(CORE) + "; from spinecheck.assessment.rules import assess"
    )
    assert not {m.split(".")[0] for m in modules} & set(FORBIDDEN)
    assert not forbidden_in(modules)


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


def test_every_package_says_what_it_owns_and_may_import():
    for name in (*CORE_PACKAGES, "walk", "render"):
        docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert docstring, name
        assert "import" in docstring, name


def test_cli_commands_are_thin():
    """The CLI parses options, calls one function per command and maps errors to exit codes."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            length = (node.end_lineno or node.lineno) - body[0].lineno + 1
            assert length <= 40, f"{node.name} is {length} lines below its options"
