"""Clinical safety as properties over generated patients (issue 21).

Each test is named after the rule of the clinical reference it holds to, and is written from that
rule, not from questions.yaml: hypothesis builds whole answer files along the walk (every
question, warning signs rarer than the rest, medicine lines with real doses), and every one of
them must keep the rule. A failure prints the answers that broke it.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spinecheck.assessment.report import SummaryInfo, to_json_dict
from spinecheck.assessment.rules import assess
from spinecheck.medicines.matching import default_index
from spinecheck.questionnaire.answering import check_answers, visible_questions
from spinecheck.questionnaire.loading import load_questionnaire
from spinecheck.questionnaire.model import QuestionKind, Urgency
from spinecheck.render.formats import Summary, render
from spinecheck.render.output_format import OutputFormat
from tests.invariants import later_timing_or_reassurance

QUESTIONNAIRE = load_questionnaire()
RANK = {"routine": 0, "soon": 1, "same_day": 2, "emergency": 3}

MEDICINE_LINES = [
    # opioids, with doses as labels and patients write them (US, UK, Canada, Australia)
    "oxycodone 10 mg every 4 hours", "OxyContin 20mg twice a day", "Percocet 10/325 2 tabs q6h",
    "Norco 10/325 1 tablet five times a day", "Tylenol #3 2 tablets every 4 hours",
    "co-codamol 30/500 two tablets four times a day", "tramadol 50 mg qid", "MS Contin 30 mg bd",
    "Duragesic 50 mcg/hr patch", "hydromorphone 2 mg q4h prn", "Endone 5mg tds", "kratom daily",
    "Suboxone 8/2 film daily", "methadone 90mg daily at the clinic", "codeine 30mg",
    # sedatives, gabapentinoids, muscle relaxants
    "Xanax 0.5 mg at night", "diazepam 5mg", "zopiclone 7.5mg nocte", "gabapentin 600 mg tid",
    "Lyrica 75mg bd", "Flexeril 10 mg", "Seroquel 25mg",
    # NSAIDs, aspirin by dose, acetaminophen
    "ibuprofen 400mg three times a day", "Aleve 220 mg 2 tablets twice a day", "Advil",
    "aspirin 81mg daily", "aspirin 325 mg", "Excedrin 2 caplets twice a day", "BC Powder",
    "Voltaren gel", "Tylenol 500 mg 2 tablets four times a day", "Panadol Osteo 665mg",
    "paracetamol 1g qds",
    # blood thinners, serotonergic, immune-suppressing, other
    "Eliquis 5 mg twice a day", "warfarin 5mg", "Plavix 75mg", "Xarelto 20 mg",
    "sertraline 50 mg", "Cymbalta 60mg", "prednisone 10mg daily", "methotrexate weekly",
    "metformin 500mg", "the little white pill",
]  # fmt: skip

MANUAL = {"massage", "spinal_manipulation", "acupuncture"}
MANUAL_SPECIALISTS = {"chiropractor", "massage_therapist", "acupuncturist"}
PROCEDURES = {
    "epidural_steroid_injection", "medial_branch_block", "radiofrequency_ablation",
    "spinal_cord_stimulation", "surgical_opinion",
}  # fmt: skip


@st.composite
def patients(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A whole answer file, question by question along the walk, and a region."""
    answers: dict[str, Any] = {}
    signs = draw(st.sampled_from([0.0, 0.0, 0.05, 0.15]))  # most patients have no warning sign
    for question in QUESTIONNAIRE.questions:
        if question.id not in {q.id for q in visible_questions(QUESTIONNAIRE, answers)}:
            continue
        if not question.required and draw(st.integers(0, 4)) == 0:
            continue
        kind = question.kind
        choices = [c.value for c in question.choices or ()]
        if kind is QuestionKind.YES_NO:
            if question.warning is not None:
                value: Any = draw(st.floats(0, 1)) < signs
                if value and question.unsure and draw(st.booleans()):
                    value = "not_sure"
            else:
                value = draw(st.booleans())
        elif kind is QuestionKind.SINGLE:
            value = draw(st.sampled_from(choices))
        elif kind is QuestionKind.MULTIPLE:
            exclusive = [c.value for c in question.choices or () if c.exclusive]
            others = [c for c in choices if c not in exclusive]
            if exclusive and draw(st.integers(0, 3)) == 0:
                value = [exclusive[0]]
            else:
                value = draw(st.lists(st.sampled_from(others), min_size=1, max_size=4, unique=True))
        elif kind in (QuestionKind.SCALE, QuestionKind.INTEGER):
            low, high = question.bounds()
            if question.id == "age":
                value = draw(st.integers(12, 95))
            else:
                value = draw(st.integers(low, min(high, 300)))
        elif kind is QuestionKind.TEXT:
            value = draw(st.sampled_from(["Walk the dog again.", "Sleep through the night."]))
        else:
            value = draw(st.lists(st.sampled_from(MEDICINE_LINES), min_size=1, max_size=5))
        answers[question.id] = value
    return answers, draw(st.sampled_from(["us", "uk", "other"]))


def summary_of(answers: dict[str, Any], region: str) -> tuple[Any, dict[str, Any], Any]:
    checked, problems, missing = check_answers(QUESTIONNAIRE, answers)
    assert problems == []
    assert missing == []
    assessment = assess(QUESTIONNAIRE, checked, region=region)
    return checked, to_json_dict(assessment), assessment


def ids(summary: dict[str, Any], key: str) -> set[str]:
    return {item["id"] for item in summary[key]}


def taken_classes(summary: dict[str, Any]) -> dict[str, set[str]]:
    """Each class of the medicines taken, with the generic names in it (aspirin at pain doses
    is an NSAID too: decision 17)."""
    index = default_index()
    found: dict[str, set[str]] = {}
    for medicine in summary["medications"]:
        if not medicine["taking"]:
            continue
        for generic in medicine["generic_names"]:
            own = set(index.medicines[generic].classes)
            if generic == "aspirin" and "nsaid" in medicine["classes"]:
                own.add("nsaid")
            for medicine_class in own:
                found.setdefault(medicine_class, set()).add(generic)
    return found


def words_in(value: Any, key: str = "") -> list[str]:
    """Every text of a JSON summary a person reads (messages, reasons, cautions)."""
    if isinstance(value, dict):
        return [w for k, v in value.items() for w in words_in(v, k)]
    if isinstance(value, list):
        return [w for v in value for w in words_in(v, key)]
    readable = {"message", "text", "reasons", "cautions", "urgency_message", "label"}
    return [value] if isinstance(value, str) and key in readable else []


def sign(answers: dict[str, Any], question_id: str) -> bool:
    """A warning sign answered yes or 'not sure' (decision 15: not sure is read as yes)."""
    return answers.get(question_id) in (True, "not_sure")


SETTINGS = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(patients())
def test_decision_4_and_8_urgency_is_at_least_every_sign_and_combination(patient):
    answers, region = patient
    _, summary, _ = summary_of(answers, region)
    urgency = RANK[summary["urgency"]]
    for question in QUESTIONNAIRE.questions:
        if question.warning is not None and sign(answers, question.id):
            assert urgency >= RANK[question.warning.urgency.value], question.id
            assert question.id in ids(summary, "red_flags"), question.id
    nerve = any(sign(answers, q) for q in ("rf_worsening_weakness", "rf_both_legs",
                                            "rf_hand_clumsiness_or_balance"))  # fmt: skip
    if nerve and (sign(answers, "rf_cancer_history") or sign(answers, "rf_fever")):
        assert summary["urgency"] == "emergency"  # decision 8, NICE NG234
    for question_id in ("rf_saddle_numbness", "rf_bladder_change", "rf_bowel_change",
                        "rf_sexual_function_change"):  # fmt: skip
        if answers.get(question_id) == "not_sure":  # decision 15: handled as yes
            assert summary["urgency"] == "emergency"


@SETTINGS
@given(patients())
def test_decision_15_escalations_by_combination_and_by_missing_answers(patient):
    answers, region = patient
    _, summary, _ = summary_of(answers, region)
    urgency = RANK[summary["urgency"]]
    classes = taken_classes(summary)
    thinner = bool(classes.get("anticoagulant") or classes.get("antiplatelet")) or answers.get(
        "blood_thinner"
    ) in ("yes", "not_sure")
    new = answers.get("pain_duration") in ("under_2_weeks", "2_to_4_weeks")
    severe = answers.get("pain_average", 0) >= 7
    if thinner and answers.get("fall_or_injury") is True:
        if answers.get("pain_trend") == "worse" or (new and severe):
            assert urgency >= RANK["same_day"]  # possible spinal bleed (Choosing Wisely Canada)
    conditions = set(answers.get("conditions", []))
    immune = conditions & {"diabetes", "hiv", "dialysis", "weak_immune_system"}
    if (immune or classes.get("immunosuppressant") or sign(answers, "rf_infection_risk")) and (
        new and severe
    ):
        assert urgency >= RANK["same_day"]  # RF14 with new severe pain
    recent_surgery = answers.get("surgery_when") in ("under_8_weeks", "8_to_12_weeks")
    if recent_surgery and answers.get("pain_since_surgery") == "worse" and severe:
        assert urgency >= RANK["same_day"]  # new pain measured from the surgery
    under_12_weeks = answers.get("pain_duration") in ("under_2_weeks", "2_to_4_weeks",
                                                      "4_to_12_weeks")  # fmt: skip
    not_improving = answers.get("pain_trend") in ("same", "worse")
    if not_improving and (
        answers["age"] < 18
        or (answers["age"] >= 55 and under_12_weeks and answers.get("first_episode") is not False)
    ):
        assert urgency >= RANK["soon"]  # RF18, an unanswered first episode read the safer way


@SETTINGS
@given(patients())
def test_decisions_9_10_13_14_no_suggestion_where_a_gate_holds(patient):
    answers, region = patient
    _, summary, _ = summary_of(answers, region)
    options, specialists = ids(summary, "options"), ids(summary, "specialists")
    tried = set(answers.get("treatments_tried", []))
    if RANK[summary["urgency"]] >= RANK["same_day"]:  # decisions 7 and 9
        assert options == set()
        assert not specialists & MANUAL_SPECIALISTS
    recent = (
        answers.get("surgery_when") in ("under_8_weeks", "8_to_12_weeks")
        or answers.get("procedure_when") == "under_6_weeks"
    )
    if recent:  # decision 13: the operating team, not a new procedure or manipulation
        assert not options & (MANUAL | PROCEDURES)
        assert not specialists & (MANUAL_SPECIALISTS | {"spine_surgeon"})
    if any(sign(answers, q.id) for q in QUESTIONNAIRE.questions if q.warning):  # decision 9
        assert not options & MANUAL
        assert not specialists & MANUAL_SPECIALISTS
    if answers["age"] < 18 or "pregnant" in answers.get("conditions", []):  # decisions 10, 13
        assert not options & PROCEDURES
    if not tried & {"physical_therapy", "exercise_program", "spine_surgery"}:  # decision 14
        assert not options & (PROCEDURES - {"epidural_steroid_injection"})
        assert "spine_surgeon" not in specialists or sign(answers, "rf_hand_clumsiness_or_balance")
    legs = (
        sign(answers, "rf_both_legs")
        or answers.get("walking_distance")
        in (
            "over_10_minutes",
            "few_minutes",
            "under_1_minute",
        )
        or (answers.get("pain_side") == "both" and answers.get("leg_pain_below_knee") is True)
    )
    if legs:  # decision 14: no epidural for claudication or both legs (NICE, AoMRC)
        assert "epidural_steroid_injection" not in options
    areas = set(answers.get("pain_areas", []))
    widespread = (
        answers.get("pain_side") == "both"
        and len(areas) >= 3
        and areas & {"neck", "upper_back", "arm"}
        and areas & {"lower_back", "buttock_hip", "leg"}
    )
    if widespread:  # decision 13
        assert not options & PROCEDURES
    if "cognitive_behavioral_therapy" in options:  # decision 14, NICE NG59 1.2.8
        assert options & {
            "exercise_therapy",
            "physical_therapy",
            "multidisciplinary_rehabilitation",
        }


@SETTINGS
@given(patients())
def test_decision_9_and_13_a_blood_thinner_travels_with_manual_care_and_procedures(patient):
    answers, region = patient
    _, summary, _ = summary_of(answers, region)
    classes = taken_classes(summary)
    thinner = bool(classes.get("anticoagulant") or classes.get("antiplatelet")) or answers.get(
        "blood_thinner"
    ) in ("yes", "not_sure")
    for item in summary["options"] + summary["specialists"]:
        if thinner and item["id"] in MANUAL | MANUAL_SPECIALISTS | PROCEDURES:
            assert any("blood thinner" in caution for caution in item["cautions"]), item["id"]


@SETTINGS
@given(patients())
def test_section_6_every_medicine_flag_whose_condition_holds_fires(patient):
    answers, region = patient
    _, summary, assessment = summary_of(answers, region)
    flags = ids(summary, "medication_flags")
    classes = taken_classes(summary)
    opioid = bool(classes.get("opioid"))
    sedative = any(classes.get(c) for c in ("benzodiazepine", "z_drug", "barbiturate",
                                            "sedating_antihistamine", "sedating_antipsychotic"))  # fmt: skip
    if opioid and sedative:  # MED1, CDC 2022 rec 8
        assert {"opioid_benzodiazepine", "naloxone_discussion"} <= flags
    if opioid and classes.get("gabapentinoid"):  # MED2
        assert "opioid_gabapentinoid" in flags
    mme = assessment.mme
    if mme is not None and mme.total is not None and mme.total >= 50:  # decision 16
        assert "naloxone_discussion" in flags
    nsaids = classes.get("nsaid", set())
    if len(nsaids) >= 2:  # decision 17: aspirin at pain doses counts
        assert "multiple_nsaids" in flags
    if nsaids and classes.get("anticoagulant"):  # MED7
        assert "nsaid_bleeding_risk" in flags
    if nsaids and "pregnant" in answers.get("conditions", []):  # MED11
        assert "nsaid_pregnancy" in flags
    if classes.get("anticoagulant") or answers.get("blood_thinner") == "yes":  # MED13, decision 15
        assert "blood_thinner_before_procedure" in flags
    daily = assessment.acetaminophen
    if daily is not None and daily.total is not None and daily.total > 4000:  # decision 18
        assert "acetaminophen_liver" in flags
    if answers.get("blood_thinner") == "no":  # never 'the doctor who prescribes your blood thinner'
        assert "prescribes your blood thinner" not in json.dumps(summary)
    for flag in summary["medication_flags"]:
        assert flag["medications"], flag["id"]  # every flag names what raised it


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients())
def test_decision_7_and_20_urgent_pages_stay_urgent_in_every_format(patient):
    answers, region = patient
    checked, summary, assessment = summary_of(answers, region)
    if assessment.urgency.rank < Urgency.SAME_DAY.rank:
        return
    item = Summary(QUESTIONNAIRE, checked, assessment, SummaryInfo(source="patient.yaml"))
    pages = [" ".join(words_in(summary))]  # the JSON's words; its level codes are data
    for output_format in (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML):
        for audience in ("patient", "clinician"):
            page = str(render(output_format, [item], audience=audience))
            if output_format is OutputFormat.HTML:  # what a reader sees, not the stylesheet
                page = html.unescape(re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S))
            pages.append(page)
    for page in pages:
        assert later_timing_or_reassurance(page, assessment.urgency) == []


@SETTINGS
@given(patients())
def test_decision_3_no_cited_caution_is_dropped_from_any_suggestion_shown(patient):
    answers, region = patient
    checked, summary, assessment = summary_of(answers, region)
    item = Summary(QUESTIONNAIRE, checked, assessment, SummaryInfo(source="patient.yaml"))
    page = " ".join(str(render(OutputFormat.TEXT, [item], audience="patient")).split())
    for suggestion in summary["options"] + summary["specialists"]:
        for caution in suggestion["cautions"]:
            assert " ".join(caution.split()) in page, (suggestion["id"], caution)
    if "acupuncture" in ids(summary, "options"):  # ACP and NICE disagree: both are shown
        assert "advises against acupuncture" in page
    if "epidural_steroid_injection" in ids(summary, "options"):
        assert "rare but serious risks" in page


@SETTINGS
@given(patients())
def test_decision_14_and_20_options_by_step_and_region_words(patient):
    answers, region = patient
    _, summary, _ = summary_of(answers, region)
    steps = [QUESTIONNAIRE.options[item["id"]].step or 5 for item in summary["options"]]
    if region != "uk":
        assert steps == sorted(steps)  # exercise and physiotherapy before procedures
    if region == "uk" and summary["options"]:
        assert summary["options"][0]["id"] != "acupuncture"  # NICE advises against it
        text = json.dumps(summary, ensure_ascii=False)
        assert "family doctor" not in text.lower()
        assert "Acetaminophen (paracetamol)" not in text
