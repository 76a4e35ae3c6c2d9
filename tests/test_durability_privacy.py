"""Durability (a killed save never corrupts progress) and privacy (no network, no answers leaked)."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from spinecheck.cli import app
from tests.conftest import DATA, minimal_answers

WRITER = """
import sys
from pathlib import Path
from spinecheck.answers.progress import write_private
path = Path(sys.argv[1])
n = 0
print("ready", flush=True)
while True:
    n += 1
    write_private(path, f"version: {n}\\n" + ("filler: " + "x" * 200 + "\\n") * 2000 + "end: true\\n")
"""


def test_killing_the_process_mid_save_never_corrupts_the_file(tmp_path):
    path = tmp_path / "progress.yaml"
    path.write_text("version: 0\nend: true\n")
    versions = []
    for delay in (0.05, 0.11, 0.17, 0.23, 0.29, 0.31, 0.37, 0.41, 0.47, 0.53):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE)
        assert child.stdout is not None
        child.stdout.readline()
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        data = yaml.safe_load(path.read_text())  # always a whole file: old or new, never torn
        assert data["end"] is True
        versions.append(data["version"])
        assert stat.S_IMODE(path.stat().st_mode) in (0o600, 0o644)
    assert max(versions) > 0


def test_a_save_cleans_up_what_a_killed_save_left_behind(tmp_path):
    import subprocess
    import sys

    from spinecheck.answers.progress import write_private

    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = int(finished.stdout)  # a writer that was killed: its process is gone
    leftover = tmp_path / f".progress.yaml.{dead}-abc123.tmp"
    leftover.write_text("half")
    write_private(tmp_path / "progress.yaml", "age: 40\n")
    assert not leftover.exists()
    assert stat.S_IMODE((tmp_path / "progress.yaml").stat().st_mode) == 0o600


def test_a_save_never_deletes_another_live_writers_temporary_file(tmp_path):
    import os

    from spinecheck.answers.progress import write_private

    other = tmp_path / f".day.json.{os.getppid()}-xyz.tmp"  # a live process is writing it
    other.write_text("half")
    write_private(tmp_path / "day.json", "[]\n")
    assert other.exists()


def test_the_progress_folder_is_created_owner_only(tmp_path):
    from spinecheck.answers.progress import write_private

    write_private(tmp_path / "new" / "deeper" / "progress.yaml", "age: 40\n")
    assert stat.S_IMODE((tmp_path / "new" / "deeper").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700  # every level


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network access is blocked in this test")

    class BlockedSocket(socket.socket):  # a class, so libraries that subclass socket still import
        def __init__(self, *args, **kwargs):
            refuse()

    monkeypatch.setattr(socket, "socket", BlockedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.parametrize(
    "output_format", ["rich", "text", "markdown", "html", "pdf", "json", "fhir"]
)
@pytest.mark.parametrize("audience", ["patient", "clinician"])
def test_every_summary_format_works_offline(no_network, tmp_path, output_format, audience):
    out = tmp_path / f"summary.{output_format}"
    result = CliRunner().invoke(
        app,
        ["summary", str(DATA / "neck_uk.json"), "--format", output_format, "--audience", audience,
         "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_the_walk_works_offline(no_network, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINECHECK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TERM", "dumb")
    lines = ["n"] * 16 + ["1", "1", "1", "n", "n", "n", "n", "", "3", "2", "2", "14", "", "", "", "", "", "", "", "", "30", "",
                          "15", "", "", "", "", "", "", "", "", "", ""]  # fmt: skip
    result = CliRunner().invoke(app, ["start"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "progress.yaml").exists()


def test_a_crash_never_prints_the_answers(tmp_path):
    """An unexpected error shows a traceback without local variables: answers stay private."""
    secret = "Secret-Medicine-Xq7"
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(minimal_answers_file(secret)))
    code = (
        "import spinecheck.assessment.rules as rules\n"
        "def boom(*args, **kwargs):\n    raise RuntimeError('simulated failure')\n"
        "rules.assess = boom\n"
        "from spinecheck.cli import main\n"
        f"import sys; sys.argv = ['spinecheck', 'summary', {str(answers)!r}, '--format', 'text']\n"
        "main()\n"
    )
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "200"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "simulated failure" in result.stdout + result.stderr
    assert secret not in result.stdout + result.stderr


def minimal_answers_file(secret: str) -> dict[str, object]:
    from spinecheck.questionnaire.loading import load_questionnaire

    return minimal_answers(load_questionnaire(), medications=[secret], goals=secret)


def test_pretty_exceptions_never_show_locals():
    assert app.pretty_exceptions_show_locals is False


def test_nothing_is_written_outside_the_chosen_places(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["summary", str(DATA / "chronic_back.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == []
