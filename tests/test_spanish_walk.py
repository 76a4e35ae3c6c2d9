"""A Spanish-speaking patient at a real terminal (issue 27): the whole walk, the emergency path
and the summary in Spanish, read from a terminal emulator's screen at 50 columns."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.questionnaire.model import Question, QuestionKind
from spinecheck.words import words_for
from tests.test_end_to_end import CTRL_C, DOWN, ENTER, SPACE, Terminal, walk_to_the_review

SPANISH = "es_US.UTF-8"
PROGRESS = re.compile(r"Parte \d+ de \d+, [^:]+: pregunta \d+\.")

ENGLISH_CHROME = (
    "Press ", "Type ", "Part ", "question ", "Skip this", "Nothing is", "Answer:", "Recorded:",
    "Please ", "Your list", "Welcome", "Yes", "Ctrl-B: back", "? = help", "b = back",
)  # fmt: skip
"""English words of the walk itself: none may show in a Spanish walk ('Enter' and the key
names stay, as on the keyboard)."""


def _past_the_welcome(terminal: Terminal) -> str:
    """Read the arrow-key welcome a page at a time, as a patient does; its words."""
    seen = terminal.wait_for("Bienvenido(a) a spinecheck")
    end = time.monotonic() + 30
    while time.monotonic() < end:
        terminal.settle(0.2)
        bottom = terminal.words()[-80:]
        if bottom.endswith("Presione Enter para empezar las preguntas."):
            seen += " " + terminal.words()
            terminal.send(ENTER)
            return seen
        if "Presione Enter para ver la página siguiente." in bottom:
            page = terminal.words()
            seen += " " + page
            terminal.send(ENTER)
            while terminal.words() == page and time.monotonic() < end:
                terminal.settle(0.1)  # the next page drawn before it is read
    raise AssertionError(f"the welcome never ended: {terminal.words()}")


def _saved(tmp_path: Path) -> dict:
    return yaml.safe_load((tmp_path / "progress.yaml").read_text(encoding="utf-8"))


def _arrow_answer(question: Question) -> str:
    if question.kind is QuestionKind.YES_NO:
        return "n" + ENTER  # no, in Spanish too
    if question.kind in (QuestionKind.SINGLE, QuestionKind.SCALE):
        return DOWN + ENTER
    if question.kind is QuestionKind.MULTIPLE:
        return DOWN + SPACE + ENTER
    return _typed(question) + ENTER


def _plain_answer(question: Question) -> str:
    if question.kind is QuestionKind.YES_NO:
        return "no" + ENTER
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return "1" + ENTER
    if question.kind is QuestionKind.SCALE:
        return "5" + ENTER
    return _typed(question) + ENTER


def _typed(question: Question) -> str:
    return {"age": "40 años", "height_cm": "170", "weight_kg": "70"}.get(question.id, "")


@pytest.mark.parametrize("mode", ["arrow keys", "plain"])
def test_a_whole_walk_in_spanish_at_50_columns(tmp_path, mode):
    """LANG=es_US: every question, hint, key and the end in Spanish, every word on screen."""
    args = ["start"] + (["--plain"] if mode == "plain" else [])
    rows = 30 if mode == "arrow keys" else 60  # plain: the welcome is on screen with question 1
    terminal = Terminal(tmp_path, *args, columns=50, rows=rows, lang=SPANISH, through_welcome=False)
    if mode == "arrow keys":
        welcome = _past_the_welcome(terminal)
    else:
        welcome = terminal.wait_for("Bienvenido(a) a spinecheck")
    assert "llame al 911" in welcome
    walked = walk_to_the_review(
        terminal,
        load_questionnaire(language="es"),
        progress=PROGRESS.pattern,
        review="Escriba un número para cambiar esa respuesta",
        answer=_arrow_answer if mode == "arrow keys" else _plain_answer,
    )
    asked = [question.id for question, _, _ in walked]
    screens = [screen for _, _, screen in walked] + [terminal.words()]  # and the review
    assert len(asked) >= 35
    assert {"rf_saddle_numbness", "pain_areas", "medications", "age", "goals"} <= set(asked)
    for screen in screens:
        assert not [w for w in ENGLISH_CHROME if w in screen], screen
    terminal.send(ENTER)  # all is right
    terminal.wait_for("Su nombre, si lo quiere en su resumen")
    terminal.send(ENTER)
    terminal.wait_for("Su fecha de nacimiento, por ejemplo")
    terminal.send(ENTER)
    screen = terminal.wait_for("Por favor, llévelo a su cita.")
    assert "Su resumen está guardado como página web:" in screen
    assert terminal.finish() == 0
    saved = _saved(tmp_path)
    assert saved["spinecheck"]["language"] == "es"
    assert saved["age"] == 40  # '40 años' read as a number of years
    page = (tmp_path / "spine-summary.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page
    assert "Su resumen para llevar a su cita" in page
    assert "Your summary" not in page


def test_an_emergency_yes_in_spanish_is_read_back_and_stops_with_911(tmp_path):
    """'s' is sí: the read-back, its keys and the emergency screen are Spanish; exit 3."""
    terminal = Terminal(
        tmp_path, "start", "--language", "es", columns=50, rows=30, through_welcome=False
    )
    _past_the_welcome(terminal)
    terminal.wait_for("Señales de alarma: pregunta 1.")
    terminal.send(ENTER)  # a stray Enter answers nothing
    terminal.wait_for("Todavía no ha elegido nada.")
    terminal.send("s" + ENTER)
    screen = terminal.wait_for("Si es así, llame al 911 ahora")
    assert "Usted contestó «sí» a: Desde que empezó el dolor" in screen
    assert "Sí, es así" in screen
    terminal.send(ENTER)  # nothing chosen: a stray Enter confirms nothing
    terminal.wait_for("Presione s si es así, o n si fue un error")
    terminal.send("s" + ENTER)
    screen = terminal.wait_for("Sus respuestas están guardadas en esta computadora")
    assert "EMERGENCIA" in screen
    assert "911" in screen
    assert terminal.finish() == 3
    terminal.assert_fits()
    saved = _saved(tmp_path)
    assert saved["rf_saddle_numbness"] is True
    assert saved["spinecheck"]["stopped_at_emergency"] is True


def test_not_sure_in_spanish_is_typed_as_no_se_and_read_as_yes(tmp_path):
    """Plain mode: 'no sé' is 'not sure' (read as yes for this sign), read back in Spanish."""
    terminal = Terminal(tmp_path, "start", "--plain", columns=50, lang=SPANISH)
    terminal.wait_for("Escriba s para sí, n para no, o ns si no está seguro(a)")
    terminal.send("no sé" + ENTER)
    screen = terminal.wait_for("Escriba s si es así, o n si fue un error")
    assert "Usted contestó «no estoy seguro(a)» a:" in " ".join(screen.split())
    terminal.send("n" + ENTER)  # a mistake: asked again
    terminal.wait_for(words_for("es")("Your yes is taken back. The question again:"))
    terminal.send("n" + ENTER)
    terminal.wait_for("Señales de alarma: pregunta 2.")
    terminal.send(CTRL_C)
    screen = terminal.wait_for("Para seguir donde se quedó, escriba:")
    assert terminal.finish() == 130
    assert _saved(tmp_path)["rf_saddle_numbness"] is False


def test_an_english_key_in_a_spanish_walk_is_asked_again_in_spanish(tmp_path):
    """'x' is no answer: the request to answer again is Spanish and names the Spanish keys."""
    terminal = Terminal(tmp_path, "start", "--plain", "--language", "es", columns=50)
    terminal.wait_for("Señales de alarma: pregunta 1.")
    terminal.send("x" + ENTER)
    screen = terminal.wait_for("Por favor, conteste s para sí, n para no, o ns si no está")
    assert "Please" not in screen
    terminal.send(CTRL_C)
    assert terminal.finish() == 130


@pytest.mark.parametrize(
    ("question_id", "typed", "value"),
    [
        ("height_cm", "5 pies 7", 170),
        ("height_cm", "5 pies y 7 pulgadas", 170),
        ("height_cm", "1.70 metros", 170),
        ("height_cm", "170 centímetros", 170),
        ("height_cm", "67 pulgadas", 170),
        ("weight_kg", "160 libras", 73),
        ("weight_kg", "70 kilos", 70),
        ("age", "40 años", 40),
    ],
)
def test_heights_weights_and_ages_are_read_as_spanish_speakers_write_them(
    question_id, typed, value
):
    from spinecheck.walk.wording import check_typed

    question = load_questionnaire(language="es").question(question_id)
    assert question is not None
    assert check_typed(question, typed) == value
