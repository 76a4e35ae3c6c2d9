"""Benchmarks with targets, as ratios to baselines measured in the same run (never timed tests).

    python benchmarks/run.py                 # builds a fresh venv with `pip install .`
    python benchmarks/run.py --python PATH   # uses an existing environment's python

T = `python -c "import typer"`; B = benchmarks/minimal_app.py (a Typer app with one command that
does nothing: with Typer 0.29 every command run imports pydantic, so B is the floor for ours).
Prints one line per measurement and exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "chronic_back.yaml"


def build_environment(folder: Path) -> Path:
    """A fresh venv with the project installed as a wheel, bytecode compiled."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(ROOT), "pexpect"],
        check=True,
    )  # fmt: skip
    # These machines set PYTHONDONTWRITEBYTECODE: compile once so every run reads .pyc files.
    subprocess.run([str(python), "-m", "compileall", "-q", str(folder / "lib")], check=False)
    return python


CPU: dict[str, list[float]] = {}
"""CPU seconds (user + system) of each timed command, by command line: steadier than wall time
on a shared machine, so it is printed beside it."""


def timed(command: list[str], env: dict[str, str]) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    CPU.setdefault(" ".join(command), []).append(cpu)
    return elapsed


def cpu_median(command: list[str]) -> float:
    return statistics.median(CPU[" ".join(command)])


def median_interleaved(commands: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    """Run every command once per round, `runs` rounds, so machine noise hits all alike."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for run in commands.values():  # warm-up: file cache, bytecode
        run()
    for _ in range(runs):
        for name, run in commands.items():
            samples[name].append(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def _walk(spinecheck: Path, env: dict[str, str], data: str) -> object:
    import pexpect

    child = pexpect.spawn(
        str(spinecheck), ["start"], env={**env, "TERM": "xterm", "SPINECHECK_DATA_DIR": data,
                                         "PROMPT_TOOLKIT_NO_CPR": "1", "LANG": "en_US.UTF-8"},
        encoding="utf-8", dimensions=(24, 80), timeout=30,
    )  # fmt: skip
    child.delaybeforesend = None  # pexpect sleeps 50 ms before each send unless told not to
    return child


def _stop(child: object) -> None:
    """Stop a walk and wait, so its exit does not run beside the next measurement. A Ctrl-C sent
    while the prompt is still starting can be lost (a patient would press it again)."""
    import pexpect

    child.sendcontrol("c")  # type: ignore[attr-defined]
    if child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=5) == 1:  # type: ignore[attr-defined]
        child.terminate(force=True)  # type: ignore[attr-defined]
    child.close(force=True)  # type: ignore[attr-defined]


def first_question_time(spinecheck: Path, env: dict[str, str]) -> float:
    """Seconds from starting `spinecheck start` in a pseudo-terminal to the first question.

    The welcome is passed with Enter the moment it is shown (a patient reads it first).
    """
    data = tempfile.mkdtemp()
    start = time.perf_counter()
    child = _walk(spinecheck, env, data)
    child.expect_exact("Press Enter")  # type: ignore[attr-defined]
    child.send("\r")  # type: ignore[attr-defined]
    child.expect_exact("question 1.")  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - start
    _stop(child)
    shutil.rmtree(data, ignore_errors=True)
    return elapsed


def keypress_latencies(spinecheck: Path, env: dict[str, str], keys: int = 40) -> list[float]:
    """Seconds from each key sent to the first byte of the redraw, in a pseudo-terminal.

    Down and Up arrows alternate on the first question (a yes/no menu), one key at a time.
    """
    import pexpect

    data = tempfile.mkdtemp()
    child = _walk(spinecheck, env, data)
    child.expect_exact("Press Enter")  # type: ignore[attr-defined]
    child.send("\r")  # type: ignore[attr-defined]
    child.expect_exact("question 1.")  # type: ignore[attr-defined]
    time.sleep(0.5)
    while True:  # drain what the first draw left
        try:
            child.read_nonblocking(65536, timeout=0.2)  # type: ignore[attr-defined]
        except pexpect.TIMEOUT:
            break
    found = []
    for number in range(keys):
        start = time.perf_counter()
        child.send("\x1b[B" if number % 2 == 0 else "\x1b[A")  # type: ignore[attr-defined]
        child.read_nonblocking(65536, timeout=5)  # type: ignore[attr-defined]
        found.append(time.perf_counter() - start)
        time.sleep(0.05)  # the redraw finishes; then drain it before the next key
        while True:
            try:
                child.read_nonblocking(65536, timeout=0.05)  # type: ignore[attr-defined]
            except pexpect.TIMEOUT:
                break
    _stop(child)
    shutil.rmtree(data, ignore_errors=True)
    return found


MEDICINES = [
    "Norco 10/325 1-2 tablets every 4-6 hours as needed", "gabapenten 300mg tid",
    "co-codamol 30/500 two tablets four times a day", "stopped tramadol, now Percocet",
    "Tums Ultra Strength", "OXYCODONE HCL 5 MG TAB", "metformin 500mg twice daily",
    "Tylenol with codeine #3", "aspirin 81mg & Plavix", "sertraline 100mg daily",
    "Duragesic 25 mcg/hr patch", "ibuprofin with food", "Unknownium drops",
]  # fmt: skip
"""Entries mixed per file, each with its own dose, so no file's medicines were seen before."""


def make_batch(folder: Path, count: int) -> None:
    text = SAMPLE.read_text()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        mine = [MEDICINES[(number + k) % len(MEDICINES)] for k in range(4)]
        listed = "".join(f"  - {entry} ({number} days)\n" for entry in mine)
        patient = text.replace("age: 38", f"age: {20 + number % 70}")
        patient = patient.replace("medications:\n", f"medications:\n{listed}", 1)
        (folder / f"patient-{number:04}.yaml").write_text(patient)


def cpu_and_peak(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and peak resident memory in MB of one run of `command`.

    Raises:
        SystemExit: the command failed, so its numbers would not be valid.
    """
    wrapper = (
        "import resource, subprocess, sys\n"
        "quiet = {'stdout': subprocess.DEVNULL, 'stderr': subprocess.DEVNULL}\n"
        "done = subprocess.run(sys.argv[1:], **quiet)\n"
        "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(done.returncode, use.ru_utime + use.ru_stime, use.ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *command], env=env, capture_output=True, text=True
    )
    code, cpu, peak = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{' '.join(command)} failed (exit {code}): its numbers are not valid")
    return float(cpu), int(peak) / 1024  # ru_maxrss is in KiB on Linux


def hostile_condition(blocks: int) -> str:
    """One 'when' (YAML flow text) that no answers satisfy and that is large to search: blocks
    of every combination of seven yes/no answers, each block contradicting itself (issue 23,
    item 13). The tests use it too."""
    names = ["rf_saddle_numbness", "rf_bladder_change", "rf_bowel_change", "rf_fever",
             "rf_sexual_function_change", "rf_worsening_weakness", "rf_both_legs"]  # fmt: skip
    parts = []
    for number in range(blocks):
        tests = [f"{{question: {q}, equals: {str(bool(number >> i & 1)).lower()}}}"
                 for i, q in enumerate(names)]  # fmt: skip
        odd = names[number % 7]
        tests.append(f"{{question: {odd}, equals: {str(not number >> number % 7 & 1).lower()}}}")
        parts.append("{all: [" + ", ".join(tests) + "]}")
    return "{any: [" + ", ".join(parts) + "]}"


def hostile_questionnaire(path: Path) -> None:
    """The shipped questionnaire with one 'when' of 1,500 such blocks, under the size limit."""
    shipped = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    line = "when: {question: pain_duration, in: [3_to_12_months, over_1_year]}"
    if line not in shipped:
        raise SystemExit("the shipped questionnaire changed: update hostile_questionnaire()")
    path.write_text(shipped.replace(line, "when: " + hostile_condition(1500), 1))


def peak_memory_mb(command: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of a command, in MB (from a wrapper process's child usage)."""
    wrapper = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *command], env=env, capture_output=True, text=True
    )
    return int(out.stdout.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", type=Path, help="a python with spinecheck installed")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--pdf-day", type=int, default=200, help="patients in the PDF day")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="spinecheck-bench-"))
    try:
        python = args.python or build_environment(work / "venv")
        spinecheck = python.with_name("spinecheck")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
        env.update({"NO_COLOR": "1", "COLUMNS": "80"})
        minimal = str(ROOT / "benchmarks" / "minimal_app.py")
        out = str(work / "out")
        Path(out).mkdir()
        runs = {
            "T: python -c 'import typer'": lambda: timed([str(python), "-c", "import typer"], env),
            "B: minimal Typer app": lambda: timed([str(python), minimal, "nothing"], env),
            "spinecheck --version": lambda: timed([str(spinecheck), "--version"], env),
            "summary --format json": lambda: timed(
                [str(spinecheck), "summary", str(SAMPLE), "--format", "json"], env
            ),
            "summary --format rich": lambda: timed(
                [str(spinecheck), "summary", str(SAMPLE), "--format", "rich"], env
            ),
            "start: first question": lambda: first_question_time(spinecheck, env),
        }
        medians = median_interleaved(runs, args.runs)
        t, b = medians["T: python -c 'import typer'"], medians["B: minimal Typer app"]

        batch = work / "batch"
        make_batch(batch, args.batch)
        per_file: dict[str, float] = {}
        for fmt in ("json", "text"):
            single = (
                medians["summary --format json"]
                if fmt == "json"
                else timed([str(spinecheck), "summary", str(SAMPLE), "--format", fmt], env)
            )
            whole = statistics.median(
                timed(
                    [
                        str(spinecheck),
                        "summary",
                        str(batch),
                        "--format",
                        fmt,
                        "--output",
                        f"{out}/day.{fmt}",
                        "--force",  # each timed run replaces the last one's output
                    ],
                    env,
                )
                for _ in range(3)
            )
            per_file[fmt] = (whole - single) / (args.batch - 1)
            # A failed run would time as "fast": check the batch really made its output.
            check = [str(spinecheck), "summary", str(batch), "--format", fmt, "--output",
                     f"{out}/check.{fmt}", "--force"]  # fmt: skip
            subprocess.run(check, env=env, check=True, stdout=subprocess.DEVNULL)
            if Path(f"{out}/check.{fmt}").stat().st_size < 1000 * args.batch // 10:
                raise SystemExit(f"the {fmt} batch wrote too little: its timing is not valid")
        memory = peak_memory_mb(
            [
                str(spinecheck),
                "summary",
                str(batch),
                "--format",
                "json",
                "--output",
                f"{out}/mem.json",
                "--force",
            ],
            env,
        )

        # A day to one PDF (issue 23, item 14; issue 26): CPU per page of the whole day, CPU
        # per patient at the full day against a fifth of it (1 = linear), and peak memory.
        pdf_cpu, pages = {}, {}
        for count in (1, args.pdf_day // 5, args.pdf_day):
            folder = work / f"pdf-day-{count}"
            make_batch(folder, count)
            made = Path(f"{out}/day-{count}.pdf")
            command = [str(spinecheck), "summary", str(folder), "--audience", "clinician",
                       "--output", str(made), "--force"]  # fmt: skip
            pdf_cpu[count] = cpu_and_peak(command, env)
            pages[count] = len(re.findall(rb"/Type\s*/Page\b", made.read_bytes()))
            if made.stat().st_size < 2000 * count or pages[count] <= count:
                raise SystemExit(f"the PDF of {count} patients is too small: not valid")
        one = pdf_cpu[1][0]
        per_small = (pdf_cpu[args.pdf_day // 5][0] - one) / (args.pdf_day // 5 - 1)
        per_big = (pdf_cpu[args.pdf_day][0] - one) / (args.pdf_day - 1)
        per_page = pdf_cpu[args.pdf_day][0] / pages[args.pdf_day]
        keys = keypress_latencies(spinecheck, env)
        hostile = work / "hostile-questions.yaml"
        hostile_questionnaire(hostile)
        check_hostile = statistics.median(
            timed([str(spinecheck), "check", str(hostile)], env) for _ in range(3)
        )

        results = [
            ("spinecheck --version", medians["spinecheck --version"] / t, "x T", 1.15),
            ("summary --format json (one file)", medians["summary --format json"] / b, "x B", 1.15),
            ("summary --format rich (one file)", medians["summary --format rich"] / b, "x B", 1.4),
            ("start: time to the first question", medians["start: first question"] / b, "x B", 1.4),
            ("walk: keypress to redraw, median of 40", statistics.median(keys) * 1000, "ms", 15.0),
            ("walk: keypress to redraw, slowest of 40", max(keys) * 1000, "ms", 50.0),
            (
                f"batch of {args.batch}, json, per file beyond start-up",
                per_file["json"] * 1000,
                "ms",
                1.5,
            ),
            (
                f"batch of {args.batch}, text, per file beyond start-up",
                per_file["text"] * 1000,
                "ms",
                3.0,
            ),
            (f"batch of {args.batch}, peak memory", memory, "MB", 60.0),
            (f"PDF day of {args.pdf_day}: CPU per page", per_page * 1000, "ms", 30.0),
            (
                f"PDF day of {args.pdf_day}: CPU per patient vs {args.pdf_day // 5}",
                per_big / per_small,
                "x",
                1.3,
            ),
            (f"PDF day of {args.pdf_day}, peak memory", pdf_cpu[args.pdf_day][1], "MB", 200.0),
            ("check: a questionnaire huge to search", check_hostile / b, "x B", 12.0),
        ]
        print(
            f"PDF day: {per_small * 1000:.0f} ms CPU per patient at {args.pdf_day // 5}, "
            f"{per_big * 1000:.0f} ms at {args.pdf_day}; check of the hostile questionnaire: "
            f"{check_hostile:.2f} s"
        )
        print(f"baselines: T = {t * 1000:.0f} ms, B = {b * 1000:.0f} ms (medians of {args.runs})")
        cpu_t = cpu_median([str(python), "-c", "import typer"])
        cpu_b = cpu_median([str(python), minimal, "nothing"])
        for label, command, base, name in (
            ("--version", [str(spinecheck), "--version"], cpu_t, "T"),
            (
                "summary json",
                [str(spinecheck), "summary", str(SAMPLE), "--format", "json"],
                cpu_b,
                "B",
            ),
            (
                "summary rich",
                [str(spinecheck), "summary", str(SAMPLE), "--format", "rich"],
                cpu_b,
                "B",
            ),
        ):
            print(f"  CPU time: {label:<14} {cpu_median(command) / base:5.2f} x {name}")
        for name, value in medians.items():
            print(f"  {name:<32} {value * 1000:7.0f} ms  ({value / b:.2f} x B)")
        missed = 0
        for name, value, unit, target in results:
            ok = value <= target
            missed += not ok
            mark = "ok  " if ok else "MISS"
            print(f"{mark} {name:<48} {value:6.2f} {unit:<3} (target <= {target:g})")
        return 1 if missed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
