"""Medicines read the way a pharmacist reads a line (issue 22).

The blind challenge set (`tests/data/medicine-lines.yaml`: US, UK, Canadian and Australian
products, pharmacy labels, negation, misspellings, regimens with MME and acetaminophen totals) is
scored in full, and its score is printed at the end of every test run. Each class the issue names
also has its own examples below.
"""

from __future__ import annotations

import pytest

from spinecheck.assessment.rules import assess
from spinecheck.medicines.doses import daily_total, estimate_mme
from spinecheck.medicines.matching import default_index
from tests.conftest import minimal_answers
from tests.medicine_lines import DISAGREEMENTS, load, score


def test_the_blind_challenge_set_is_read_as_a_pharmacist_reads_it():
    right, lines, right_regimens, regimens, report = score()
    assert lines >= 300
    assert regimens >= 40
    assert report == [], "\n".join(report)
    assert (right, right_regimens) == (lines, regimens)


def test_every_disagreement_with_the_reviewer_is_a_line_of_the_set_and_says_why():
    typed = {case["line"] for case in load()["lines"]}
    assert set(DISAGREEMENTS) <= typed
    assert len(DISAGREEMENTS) <= 6
    assert all(len(reason) > 40 for reason in DISAGREEMENTS.values())


def _read(typed: str) -> list[tuple[tuple[str, ...], bool, bool]]:
    return [(m.generic_names, m.taking, m.check) for m in default_index().match_entry(typed)]


# -- 1. a 'stop' word belongs to one name ------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "taken", "not_taken"),
    [
        (
            "Suboxone 8mg daily - in recovery since I quit heroin",
            {"buprenorphine"},
            {"diamorphine"},
        ),
        ("methadone 80mg (weaned off oxycodone)", {"methadone"}, {"oxycodone"}),
        ("oxycodone 10mg q6h (was on 5mg)", {"oxycodone"}, set()),
        ("Xanax 1mg bid but no longer helps much", {"alprazolam"}, set()),
        ("gabapentin 600 tid - was on Lyrica before", {"gabapentin"}, {"pregabalin"}),
        ("off Percocet since March", set(), {"oxycodone", "acetaminophen"}),
        ("tried Lyrica, stopped", set(), {"pregabalin"}),
        ("Allergies: morphine, codeine", set(), {"morphine", "codeine"}),
        ("Lyrica ceased Jan, still on Endone 5mg", {"oxycodone"}, {"pregabalin"}),
        ("Was taking Aleve daily, stopped when I started Xarelto", {"rivaroxaban"}, {"naproxen"}),
        ("Switched from Norco to tramadol", {"tramadol"}, {"hydrocodone"}),
        ("Kratom - weaned off, now on Suboxone", {"buprenorphine"}, {"kratom"}),
        ("Valium 5mg - stopped working, still take it", {"diazepam"}, set()),
    ],
)
def test_a_stop_word_governs_only_its_own_name(typed, taken, not_taken):
    matches = default_index().match_entry(typed)
    assert {g for m in matches if m.taking for g in m.generic_names} >= taken
    assert not not_taken & {g for m in matches if m.taking for g in m.generic_names}
    assert {g for m in matches if not m.taking for g in m.generic_names} >= not_taken


def test_an_allergy_line_records_the_allergy_for_the_clinician(questionnaire):
    answers = minimal_answers(questionnaire, medications=["Allergies: codeine, morphine"])
    assessment = assess(questionnaire, answers)
    assert all(m.allergy and not m.taking for m in assessment.medications)
    assert assessment.mme is None  # nothing taken, nothing counted


@pytest.mark.parametrize(
    "typed",
    [
        "Norco - ran out 2 weeks ago",
        "Holding Eliquis for the procedure",
        "Xarelto (stopped for my injection)",
    ],
)
def test_an_uncertain_reading_counts_as_taken_and_is_marked_to_check(typed):
    matches = default_index().match_entry(typed)
    assert any(m.taking and m.check for m in matches)


# -- 2. nothing half-read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "generics"),
    [
        ("OXYCOD/APAP 5-325MG TAB", {"oxycodone", "acetaminophen"}),
        ("HYDROCO/APAP 10-325MG TAB", {"hydrocodone", "acetaminophen"}),
        ("Tylenol No. 1", {"codeine", "acetaminophen", "caffeine"}),
        ("APO-OXYCODONE/ACET 5/325MG TAB", {"oxycodone", "acetaminophen"}),
        ("Targin 10/5", {"oxycodone", "naloxone"}),
        ("Panadeine Forte", {"codeine", "acetaminophen"}),
        ("Mersyndol Forte", {"codeine", "acetaminophen", "doxylamine"}),
        ("Hydromorph Contin 3mg", {"hydromorphone"}),
        ("Atasol-30", {"codeine", "acetaminophen", "caffeine"}),
        ("kratom daily", {"kratom"}),
        ("Somac 40", {"pantoprazole"}),
        ("Xeralto 20 mg", {"rivaroxaban"}),
    ],
)
def test_labels_and_products_of_four_countries_are_read_whole(typed, generics):
    assert {g for m in default_index().match_entry(typed) for g in m.generic_names} == generics


@pytest.mark.parametrize(
    ("typed", "medicine_class"),
    [("hydrocodeine", "opioid"), ("Hydromorphine 2mg", "opioid"), ("Alprazepam", "benzodiazepine")],
)
def test_a_name_between_two_medicines_of_one_class_reports_the_class(
    typed, medicine_class, questionnaire
):
    (match,) = default_index().match_entry(typed)
    assert match.generic_names == ()
    assert medicine_class in match.classes
    if medicine_class == "opioid":  # counted as an opioid; no MME, and why
        answers = minimal_answers(questionnaire, medications=[typed, "Xanax 1mg"])
        assessment = assess(questionnaire, answers)
        assert "opioid_benzodiazepine" in {f.id for f in assessment.medication_flags}
        assert assessment.mme is not None
        assert not assessment.mme.complete


@pytest.mark.parametrize(
    "typed", ["Tramadol and Zelfrex", "Norco + Xylorin 10mg", "Ibuprofen and Resparin"]
)
def test_an_unknown_name_beside_a_known_one_is_never_dropped(typed):
    matches = default_index().match_entry(typed)
    assert any(m.partly or not m.recognized for m in matches)


@pytest.mark.parametrize("typed", ["none", "Nothing", "no medicines", "N/A", "not taking any"])
def test_none_in_the_list_means_no_medicines(typed, questionnaire):
    assert default_index().match_entry(typed) == ()
    assessment = assess(questionnaire, minimal_answers(questionnaire, medications=[typed]))
    assert assessment.medications == []


# -- 3. splitting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Tylenol / Norco",
        "Tylenol/Norco",
        "Tylenol | Norco",
        "Tylenol & Norco",
        "Tylenol - Norco",
        "Tylenol; Norco",
    ],
)
def test_two_products_are_two_entries_and_raise_the_double_acetaminophen_flag(typed, questionnaire):
    answers = minimal_answers(questionnaire, medications=[typed])
    assessment = assess(questionnaire, answers)
    assert len(assessment.medications) == 2
    assert "acetaminophen_liver" in {f.id for f in assessment.medication_flags}


@pytest.mark.parametrize(
    "typed",
    ["OXYCOD/APAP 5-325MG TAB", "oxycodone/acetaminophen 5/325", "BUTALB/APAP/CAFF 50-325-40"],
)
def test_a_labels_joined_generics_are_one_product(typed):
    assert len(default_index().match_entry(typed)) == 1


@pytest.mark.parametrize(
    "typed", ["Percocet 5/325", "Naproxen 500 mg (sometimes, when ibuprofen doesn't work)"]
)
def test_a_strength_and_brackets_are_never_split(typed):
    taken = [m for m in default_index().match_entry(typed) if m.taking]
    assert len(taken) == 1


# -- 4. doses: a number only when it is right --------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "mme"),
    [
        (["Norco 10/325 2 every 6 hours"], 80),
        (["Oxycodone 5 mg - 2 in the morning, 1 at lunch, 2 at bedtime"], 37.5),
        (["fentanyl 25 mcg/hr, 2 patches"], 120),
        (["Percocet 5/325 1 tab q4h prn max 4/day"], 30),
        (["methadone 10mg every 8 hours for pain"], 141),
        (["methadone 90mg daily for pain"], 423),
        (["Methadose 80mg dosed at the clinic"], None),
        (["methadone 90mg daily"], None),
        (["Oramorph 10mg/5ml 5 ml every 4 hours"], 60),
    ],
)
def test_mme_only_when_every_dose_is_read_with_confidence(lines, mme):
    index = default_index()
    estimate = estimate_mme(index.match_all(lines), index)
    assert estimate is not None
    got = estimate.total if estimate.complete else None
    assert got == mme, [line.working for line in estimate.lines]
    if mme is None:
        assert all("not calculated" in line.working for line in estimate.lines)


def test_methadone_for_addiction_says_why_there_is_no_number():
    index = default_index()
    estimate = estimate_mme(index.match_all(["Methadose 80mg dosed at the clinic"]), index)
    assert estimate is not None
    assert "opioid use disorder" in estimate.lines[0].working


@pytest.mark.parametrize(
    ("lines", "milligrams"),
    [
        (["co-codamol 30/500 two four times a day"], 4000),
        (["Tylenol Extra Strength 2 tabs every 6 hours"], 4000),
        (["Tylenol #3 1-2 tabs q4-6h prn, do not exceed 3 g acetaminophen per day"], 3000),
        (["Norco 10/325", "Tylenol 500 2 tabs twice a day"], None),
    ],
)
def test_the_acetaminophen_total_is_a_number_only_when_every_product_is_read(lines, milligrams):
    index = default_index()
    total = daily_total(index.match_all(lines), index)
    assert total is not None
    assert (total.total if total.complete else None) == milligrams


# -- what the reading raises: the flags of reference §6, from lines as patients type them ----------


@pytest.mark.parametrize(
    ("lines", "answers", "flags"),
    [
        (
            ["OXYCOD/APAP 5-325MG TAB 1 TAB PO Q6H PRN", "ALPRAZOLAM 0.5MG TAB QHS"],
            {},
            {"opioid_benzodiazepine", "naloxone_discussion"},
        ),  # MED1, CDC 2022 rec 8
        (
            ["Endone 5mg 2 four-hourly", "Lyrica 75 bd"],
            {},
            {"opioid_gabapentinoid", "naloxone_discussion"},
        ),
        (["oxycodone 10 mg every 4 hours"], {}, {"naloxone_discussion"}),  # 90 MME
        (["hydrocodeine", "Klonopin 1mg"], {}, {"opioid_benzodiazepine", "naloxone_discussion"}),
        (["kratom daily", "Xanax 1mg"], {}, {"opioid_benzodiazepine", "naloxone_discussion"}),
        (["Tylenol / Norco"], {}, {"acetaminophen_liver"}),
        (["BC Powder", "Aleve 220mg"], {}, {"multiple_nsaids"}),  # decision 17
        (["Excedrin 2 caplets twice a day"], {"conditions": ["kidney_disease"]}, {"nsaid_kidney"}),
        (
            ["aspirin 81mg daily", "ibuprofen 400mg tid"],
            {},
            {"nsaid_bleeding_risk", "blood_thinner_before_procedure"},
        ),
        (
            ["Voltaren gel", "Coumadin 5mg"],
            {},
            {"nsaid_bleeding_risk", "blood_thinner_before_procedure"},
        ),
        (["tramadol 50mg qid", "Zoloft 100mg"], {}, {"serotonin_syndrome_risk"}),
        (["co-codamol 30/500 two four times a day"], {"age": 70}, {"acetaminophen_liver"}),
    ],
)
def test_lines_as_patients_type_them_raise_the_flags_they_should(
    lines, answers, flags, questionnaire
):
    raised = {
        f.id
        for f in assess(
            questionnaire, minimal_answers(questionnaire, medications=lines, **answers)
        ).medication_flags
    }
    assert flags <= raised, raised


@pytest.mark.parametrize(
    ("lines", "answers", "flags"),
    [
        (["stopped oxycodone", "Xanax 1mg"], {}, {"opioid_benzodiazepine"}),
        (["aspirin 81mg daily"], {"conditions": ["pregnant"]}, {"nsaid_pregnancy"}),  # FDA 2020
        (["Allergies: codeine, morphine", "Valium 5mg"], {}, {"opioid_benzodiazepine"}),
        (
            ["co-codamol 30/500 two four times a day"],
            {"age": 40},
            {"acetaminophen_liver"},
        ),  # exactly 4 g
    ],
)
def test_what_is_not_taken_or_not_an_nsaid_raises_nothing(lines, answers, flags, questionnaire):
    raised = {
        f.id
        for f in assess(
            questionnaire, minimal_answers(questionnaire, medications=lines, **answers)
        ).medication_flags
    }
    assert not flags & raised, raised
