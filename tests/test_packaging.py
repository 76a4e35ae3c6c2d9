"""Packaging: the version comes from the installed metadata and questions.yaml is found."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import spinecheck
from spinecheck.questionnaire.loading import questions_file


def test_version_matches_metadata():
    assert spinecheck.__version__ == version("spinecheck")


def test_questions_file_is_found_from_any_folder(tmp_path):
    code = "from spinecheck.questionnaire.loading import questions_file, load_questionnaire; print(questions_file()); load_questionnaire()"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.strip().endswith("questions.yaml")
    assert questions_file().is_file()


def test_python_dash_m_works(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "spinecheck", "--version"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.stdout.startswith("spinecheck ")
