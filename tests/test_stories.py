"""Patient stories written from the clinical reference (not from the rules): what each should get.

Each story is a patient in plain terms, the answers they would give, and what the JSON summary
must show: the urgency, specialists and options that must (and must not) appear, the medication
flags, and the points of the Spine-health article (A1-A12) the story exercises.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from spinecheck.assessment.report import to_json_dict
from spinecheck.assessment.rules import assess
from spinecheck.questionnaire.answering import check_answers
from tests.conftest import minimal_answers
from tests.contract import (
    ADDED_MEDICATION_FLAGS,
    MEDICATION_FLAGS,
    OPTIONS,
    RED_FLAGS,
    SPECIALISTS,
    assert_contract_json,
)

RANK = {"routine": 0, "soon": 1, "same_day": 2, "emergency": 3}
CHRONIC_BACK = {"pain_areas": ["lower_back"], "pain_duration": "over_1_year", "pain_trend": "same"}


@dataclass
class Story:
    name: str
    answers: dict[str, Any]
    urgency: str
    specialists: set[str] = field(default_factory=set)
    options: set[str] = field(default_factory=set)
    flags: set[str] | None = None
    """Exactly these medication flags (None: not checked)."""
    not_specialists: set[str] = field(default_factory=set)
    not_options: set[str] = field(default_factory=set)
    red_flags: dict[str, str] = field(default_factory=dict)
    """Warning sign id → the urgency it must show at least."""
    says: tuple[str, ...] = ()
    """Phrases the summary must contain (case-insensitive)."""
    not_says: tuple[str, ...] = ()
    """Phrases the summary must not contain (case-insensitive)."""
    points: tuple[str, ...] = ()
    """Spine-health article points this story shows."""


def emergency(flag: str) -> Story:
    return Story(
        f"emergency sign {flag}",
        {flag: True},
        "emergency",
        red_flags={flag: "emergency"},
        says=("call 911", "do not drive yourself"),
    )


STORIES = [
    *(emergency(f) for f, urgency in RED_FLAGS.items() if urgency == "emergency"),
    Story(
        "both legs only", {"rf_both_legs": True}, "same_day", red_flags={"rf_both_legs": "same_day"}
    ),
    Story(
        "both legs with bladder trouble",
        {"rf_both_legs": True, "rf_bladder_change": True},
        "emergency",
        red_flags={"rf_both_legs": "emergency", "rf_bladder_change": "emergency"},
    ),
    Story(
        "clumsy hands with neck pain",
        {"rf_hand_clumsiness_or_balance": True},
        "same_day",
        specialists={"spine_surgeon"},
        red_flags={"rf_hand_clumsiness_or_balance": "same_day"},
        says=("speak to a clinician today",),
    ),
    Story(
        "minor fall with osteoporosis",
        {"rf_minor_trauma_fragile_bones": True, "age": 78, "conditions": ["osteoporosis"]},
        "same_day",
        red_flags={"rf_minor_trauma_fragile_bones": "same_day"},
    ),
    Story(
        "new pain after cancer, losing weight",
        {"rf_cancer_history": True, "rf_weight_loss": True},
        "same_day",
        specialists={"primary_care"},
        red_flags={"rf_cancer_history": "same_day", "rf_weight_loss": "same_day"},
        says=("cancer team",),
    ),
    Story(
        "weight loss alone", {"rf_weight_loss": True}, "soon", red_flags={"rf_weight_loss": "soon"}
    ),
    Story("night pain alone", {"rf_night_pain": True}, "soon", red_flags={"rf_night_pain": "soon"}),
    Story(
        "night pain with fever",
        {"rf_night_pain": True, "rf_fever": True},
        "same_day",
        red_flags={"rf_night_pain": "same_day", "rf_fever": "same_day"},
    ),
    Story(
        "infection risk alone",
        {"rf_infection_risk": True},
        "soon",
        red_flags={"rf_infection_risk": "soon"},
    ),
    Story(
        "recent spine injection and now a fever",
        {"rf_infection_risk": True, "rf_fever": True},
        "same_day",
        red_flags={"rf_infection_risk": "same_day", "rf_fever": "same_day"},
    ),
    Story(
        "UK patient with a same-day sign sees UK numbers",
        {"rf_fever": True, "_region": "uk"},
        "same_day",
        says=("nhs 111",),
    ),
    Story(
        "acute low back pain, one week, getting better (ACP 2017 acute options)",
        {"pain_areas": ["lower_back"], "pain_duration": "under_2_weeks", "pain_trend": "improving"},
        "routine",
        specialists={"primary_care", "chiropractor", "massage_therapist", "acupuncturist"},
        options={
            "stay_active",
            "superficial_heat",
            "massage",
            "spinal_manipulation",
            "acupuncture",
        },
        flags=set(),
        not_specialists={"interventional_pain_specialist", "spine_surgeon"},
        not_options={"epidural_steroid_injection", "medial_branch_block", "surgical_opinion"},
        says=("advises against acupuncture", "suggests acupuncture", "team effort"),
        points=("A1", "A4", "A11", "A12"),
    ),
    Story(
        "neck pain for three weeks, not better (OPTIMa; 2-3 week point)",
        {"pain_areas": ["neck"], "pain_duration": "2_to_4_weeks", "pain_trend": "same"},
        "routine",
        specialists={"interventional_pain_specialist"},
        options={"stay_active", "spinal_manipulation", "exercise_therapy"},
        not_options={"superficial_heat", "acupuncture"},
        says=("whether a pain specialist should be involved",),
        points=("A3",),
    ),
    Story(
        "chronic back pain without leg pain after physical therapy (NICE RF criteria)",
        {
            **CHRONIC_BACK,
            "leg_pain_below_knee": False,
            "pain_average": 6,
            "treatments_tried": ["physical_therapy", "otc_medicines"],
            "physical_therapy_result": "did_not_help",
        },
        "routine",
        specialists={"physiatrist", "interventional_pain_specialist"},
        options={
            "exercise_therapy",
            "mindfulness",
            "yoga_tai_chi",
            "cognitive_behavioral_therapy",
            "medial_branch_block",
            "radiofrequency_ablation",
            "acupuncture",
            "spinal_manipulation",
        },
        not_options={"epidural_steroid_injection", "surgical_opinion", "spinal_cord_stimulation"},
        says=("medial branch block", "rarely the first step"),
        points=("A1", "A2", "A3", "A7", "A8"),
    ),
    Story(
        "chronic sciatica, worse despite therapy and an injection (NICE sciatica)",
        {
            **CHRONIC_BACK,
            "pain_areas": ["lower_back", "leg"],
            "pain_trend": "worse",
            "leg_pain_below_knee": True,
            "pain_average": 8,
            "treatments_tried": ["physical_therapy", "spinal_injections"],
            "physical_therapy_result": "did_not_help",
            "injection_result": "short_relief",
        },
        "routine",
        specialists={"spine_surgeon", "interventional_pain_specialist"},
        options={"surgical_opinion"},
        # NICE NG59 has epidurals for acute and severe sciatica, not long-standing (decision 10)
        not_options={
            "medial_branch_block",
            "radiofrequency_ablation",
            "physical_therapy",
            "epidural_steroid_injection",
        },
        says=("only for a few people",),
        points=("A6", "A8"),
    ),
    Story(
        "too much pain to keep going with physical therapy",
        {
            "pain_areas": ["lower_back"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "same",
            "treatments_tried": ["physical_therapy"],
            "physical_therapy_result": "too_painful_to_continue",
        },
        "routine",
        specialists={"interventional_pain_specialist"},
        options={"medication_review"},
        not_options={"physical_therapy", "surgical_opinion"},
        says=("too painful to keep going",),
        points=("A6",),
    ),
    Story(
        "six weeks after surgery, still on Percocet",
        {
            "pain_areas": ["lower_back"],
            "pain_duration": "4_to_12_weeks",
            "treatments_tried": ["spine_surgery", "prescription_medicines"],
            "surgery_when": "under_8_weeks",
            "pain_since_surgery": "better",
            "medications": ["Percocet 5/325 every 6 hours"],
        },
        "routine",
        specialists={"interventional_pain_specialist"},
        options={"medication_review"},
        flags=set(),
        says=("8 to 12 weeks", "rely less on opioids"),
        points=("A9", "A12"),
    ),
    Story(
        "leg pain that stayed after surgery a year ago (PSPS-2; NICE TA159)",
        {
            **CHRONIC_BACK,
            "pain_areas": ["lower_back", "leg"],
            "leg_pain_below_knee": True,
            "pain_average": 7,
            "treatments_tried": ["spine_surgery"],
            "surgery_when": "over_1_year",
            "pain_since_surgery": "worse",
        },
        "routine",
        specialists={"interventional_pain_specialist"},
        options={"spinal_cord_stimulation"},
        says=("failed back surgery",),
        points=("A3",),
    ),
    Story(
        "young adult with inflammatory back pain (ASAS 4 of 5)",
        {
            **CHRONIC_BACK,
            "age": 29,
            "ibp_started_before_40": True,
            "ibp_gradual_onset": True,
            "ibp_better_with_exercise": True,
            "ibp_wakes_second_half_night": True,
        },
        "soon",  # RF17 in the reference's red-flag table: soon, for routine rheumatology
        specialists={"rheumatologist"},
    ),
    Story(
        "worried about own use, on oxycodone, drinks most days",
        {
            **CHRONIC_BACK,
            "medications": ["OxyContin 20mg twice a day"],
            "alcohol_per_week": "8_to_20",
            "substance_concern": "yes",
        },
        "routine",
        specialists={"addiction_medicine", "pharmacist"},
        options={"medication_review"},
        flags={"opioid_alcohol", "naloxone_discussion"},
        says=("strong step", "signs of an overdose"),
        points=("A5", "A12"),
    ),
    Story(
        "low mood and worry with long-lasting pain (PHQ-4-style cut-offs)",
        {
            **CHRONIC_BACK,
            "interference_enjoyment": 8,
            "mood_low_interest": "more_than_half_the_days",
            "mood_down": "more_than_half_the_days",
            "mood_nervous": "several_days",
            "mood_worry": "several_days",
        },
        "routine",
        specialists={"pain_psychologist"},
        options={"cognitive_behavioral_therapy"},
        says=("988",),
        points=("A2",),
    ),
    Story(
        "off work for months with back pain, no physical therapy yet",
        {**CHRONIC_BACK, "work_status": "off_work_due_to_pain", "treatments_tried": ["self_care"]},
        "routine",
        specialists={"physical_therapist", "physiatrist"},
        options={"multidisciplinary_rehabilitation", "physical_therapy"},
        says=("work matters",),
        points=("A5", "A6"),
    ),
    Story(
        "opioid with a benzodiazepine (brand names)",
        {"medications": ["Percocet 10/325", "Xanax 0.5 mg at night"]},
        "routine",
        flags={"opioid_benzodiazepine", "naloxone_discussion"},
        options={"medication_review"},
        says=("slow or stop breathing",),
    ),
    Story(
        "opioid with pregabalin, both misspelled",
        {"medications": ["oxycodon 5mg", "Lyricaa 75"]},
        "routine",
        flags={"opioid_gabapentinoid", "naloxone_discussion"},
    ),
    Story(
        "opioid with a muscle relaxant",
        {"medications": ["Norco 5/325", "Flexeril 10 mg"]},
        "routine",
        flags={"opioid_muscle_relaxant", "naloxone_discussion"},  # MED19: any sedative
    ),
    Story(
        "tramadol with an SSRI (UK brand)",
        {"medications": ["tramadol 50mg", "Lustral 100mg"], "_region": "uk"},
        "routine",
        flags={"serotonin_syndrome_risk"},
        says=("serotonin syndrome",),
    ),
    Story(
        "ibuprofen with warfarin",
        {"medications": ["Advil 400", "Coumadin 5 mg"]},
        "routine",
        flags={"nsaid_bleeding_risk", "blood_thinner_before_procedure"},
        says=("do not stop", "blood thinner"),
    ),
    Story(
        "naproxen with an old ulcer, high blood pressure and kidney disease",
        {
            "medications": ["Aleve 220mg"],
            "conditions": ["stomach_ulcer_or_bleeding", "high_blood_pressure", "kidney_disease"],
        },
        "routine",
        flags={"nsaid_ulcer_history", "nsaid_heart_blood_pressure", "nsaid_kidney"},
    ),
    Story(
        "pregnant and taking ibuprofen (misspelled)",
        {"medications": ["ibuprofin"], "conditions": ["pregnant"]},
        "routine",
        flags={"nsaid_pregnancy"},
    ),
    Story(
        "two anti-inflammatories",
        {"medications": ["Advil", "Naprosyn 500"]},
        "routine",
        flags={"multiple_nsaids"},
    ),
    Story(
        "paracetamol hidden in two UK products",
        {"medications": ["co-codamol 30/500", "Panadol"], "_region": "uk"},
        "routine",
        flags={"acetaminophen_liver"},
        says=("add up",),
    ),
    Story(
        "older adult on gabapentin and a sleeping tablet",
        {"age": 74, "medications": ["Neurontin 300 mg", "Ambien"]},
        "routine",
        options={"medication_review"},
        flags=set(),
        says=("weighs your age",),
        points=("A10",),
    ),
    Story(
        "numbness with no spreading pain",
        {"numbness_tingling": True, "pain_areas": ["neck"]},
        "routine",
        specialists={"neurologist"},
        says=("nerve tests",),
        points=("A4",),
    ),
    Story(
        "a flare-up of an old problem",
        {**CHRONIC_BACK, "flare_up": True},
        "routine",
        specialists={"interventional_pain_specialist"},
        says=("flare-up",),
        points=("A3",),
    ),
    # -- issue 14: written from clinical-reference decisions 7-12 before the rules were changed --
    Story(
        "fever with a leg getting weaker (RF13 with RF6, decision 8)",
        {"rf_fever": True, "rf_worsening_weakness": True},
        "emergency",
        red_flags={"rf_fever": "emergency"},
    ),
    Story(
        "fever with clumsy hands (RF13 with RF7, decision 8)",
        {"rf_fever": True, "rf_hand_clumsiness_or_balance": True},
        "emergency",
        red_flags={"rf_fever": "emergency"},
    ),
    Story(
        "past cancer with clumsy hands (NICE NG234, decision 8)",
        {"rf_cancer_history": True, "rf_hand_clumsiness_or_balance": True},
        "emergency",
        red_flags={"rf_cancer_history": "emergency"},
    ),
    Story(
        "past cancer with symptoms in both legs",
        {"rf_cancer_history": True, "rf_both_legs": True},
        "emergency",
        red_flags={"rf_cancer_history": "emergency"},
    ),
    Story(
        "past cancer alone names one urgency: today",
        {"rf_cancer_history": True},
        "same_day",
        says=("needs checking today",),
        not_says=("checked soon",),
    ),
    Story(
        "infection risk with new severe pain and no fever (RF14, decision 8)",
        {"rf_infection_risk": True, "pain_duration": "under_2_weeks", "pain_average": 8},
        "same_day",
        red_flags={"rf_infection_risk": "same_day"},
    ),
    Story(
        "infection risk with long-standing mild pain stays soon",
        {"rf_infection_risk": True, **CHRONIC_BACK, "pain_average": 3},
        "soon",
        red_flags={"rf_infection_risk": "soon"},
    ),
    Story(
        "a 16-year-old whose pain is not improving (RF18)",
        {"age": 16, "pain_trend": "same"},
        "soon",
        says=("within a few days",),
    ),
    Story(
        "a 16-year-old whose pain is improving stays routine",
        {"age": 16, "pain_trend": "improving"},
        "routine",
    ),
    Story(
        "first episode at 60, not improving (RF18)",
        {"age": 60, "pain_trend": "worse", "first_episode": True},
        "soon",
    ),
    Story(
        "a known back problem at 60, not improving, stays routine",
        {"age": 60, "pain_trend": "same", "first_episode": False},
        "routine",
    ),
    Story(
        "neck injury emergency: no reassurance (decision 7)",
        {"rf_major_trauma": True, "pain_areas": ["neck"], "pain_duration": "under_2_weeks"},
        "emergency",
        says=("keep it still",),
        not_says=("keep moving", "gets a lot better", "most new"),
    ),
    Story(
        "saddle numbness in new pain: only what to do now (decision 7)",
        {
            "rf_saddle_numbness": True,
            "pain_areas": ["lower_back"],
            "pain_duration": "under_2_weeks",
        },
        "emergency",
        not_says=("keep moving", "gets a lot better", "pain diary"),
    ),
    Story(
        "suspected fracture: no manipulation, massage or acupuncture (decision 9)",
        {
            "rf_minor_trauma_fragile_bones": True,
            "pain_areas": ["lower_back"],
            "pain_duration": "under_2_weeks",
        },
        "same_day",
        not_options={"spinal_manipulation", "massage", "acupuncture"},
        not_specialists={"chiropractor", "massage_therapist", "acupuncturist"},
        says=("not suggested for now",),
    ),
    Story(
        "clumsy hands with new neck pain: no neck manipulation (decision 9)",
        {
            "rf_hand_clumsiness_or_balance": True,
            "pain_areas": ["neck"],
            "pain_duration": "2_to_4_weeks",
        },
        "same_day",
        not_options={"spinal_manipulation", "massage"},
        not_specialists={"chiropractor"},
    ),
    Story(
        "six weeks after spine surgery: no manipulation, no 'you have not tried therapy'",
        {
            "pain_areas": ["lower_back"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "same",
            "treatments_tried": ["spine_surgery", "prescription_medicines"],
            "surgery_when": "under_8_weeks",
            "pain_since_surgery": "better",
        },
        "routine",
        not_options={"spinal_manipulation", "massage", "acupuncture"},
        not_specialists={
            "chiropractor",
            "massage_therapist",
            "acupuncturist",
            "physical_therapist",
        },
        not_says=("have not tried physical therapy",),
    ),
    Story(
        "constant night pain: no hands-on care (decision 9)",
        {"rf_night_pain": True, **CHRONIC_BACK},
        "soon",
        not_options={"spinal_manipulation", "acupuncture"},
        not_specialists={"chiropractor", "acupuncturist"},
    ),
    Story(
        "a blood thinner with new back pain: tell the practitioner (decision 9)",
        {
            "pain_areas": ["lower_back"],
            "pain_duration": "under_2_weeks",
            "medications": ["Eliquis 5 mg twice a day"],
        },
        "routine",
        options={"spinal_manipulation"},
        says=("tell the person who does it that you take a blood thinner",),
    ),
    Story(
        "six weeks of sciatica after chiropractic alone: tried is not failed (decision 10)",
        {
            "pain_areas": ["lower_back", "leg"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "same",
            "leg_pain_below_knee": True,
            "pain_average": 7,
            "treatments_tried": ["chiropractic"],
        },
        "routine",
        not_specialists={"spine_surgeon"},
        not_options={"surgical_opinion", "epidural_steroid_injection"},
    ),
    Story(
        # an exercise program too: stepped care comes before a surgical opinion (decision 14)
        "sciatica after chiropractic and exercise that did not help",
        {
            "pain_areas": ["lower_back", "leg"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "worse",
            "leg_pain_below_knee": True,
            "pain_average": 8,
            "treatments_tried": ["chiropractic", "exercise_program"],
            "chiropractic_result": "did_not_help",
            "exercise_program_result": "did_not_help",
        },
        "routine",
        specialists={"spine_surgeon", "interventional_pain_specialist"},
        options={"surgical_opinion", "epidural_steroid_injection"},
        not_options={"spinal_manipulation"},  # it was tried and did not help
        not_specialists={"chiropractor"},
        says=("nice suggests thinking about an epidural",),
    ),
    Story(
        "sciatica after chiropractic alone that did not help: exercise first (decision 14)",
        {
            "pain_areas": ["lower_back", "leg"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "worse",
            "leg_pain_below_knee": True,
            "pain_average": 8,
            "treatments_tried": ["chiropractic"],
            "chiropractic_result": "did_not_help",
        },
        "routine",
        specialists={"interventional_pain_specialist", "physical_therapist"},
        options={"epidural_steroid_injection", "physical_therapy"},
        not_options={"surgical_opinion", "spinal_manipulation"},
        not_specialists={"spine_surgeon", "chiropractor"},
        says=("usually comes before procedures or surgery",),
    ),
    Story(
        "physical therapy that helped a little is not failed care",
        {
            **CHRONIC_BACK,
            "leg_pain_below_knee": False,
            "pain_average": 6,
            "treatments_tried": ["physical_therapy"],
            "physical_therapy_result": "helped_a_little",
        },
        "routine",
        not_options={"medial_branch_block", "radiofrequency_ablation"},
    ),
    Story(
        "an exercise program that did not help opens the block-then-ablation path",
        {
            **CHRONIC_BACK,
            "leg_pain_below_knee": False,
            "pain_average": 6,
            "treatments_tried": ["exercise_program"],
            "exercise_program_result": "did_not_help",
        },
        "routine",
        options={"medial_branch_block", "radiofrequency_ablation"},
    ),
    Story(
        "a 15-year-old is never offered a procedure (decision 10)",
        {
            **CHRONIC_BACK,
            "age": 15,
            "pain_trend": "improving",
            "leg_pain_below_knee": False,
            "pain_average": 7,
            "treatments_tried": ["physical_therapy"],
            "physical_therapy_result": "did_not_help",
        },
        "routine",
        not_options={
            "medial_branch_block",
            "radiofrequency_ablation",
            "epidural_steroid_injection",
            "spinal_cord_stimulation",
            "surgical_opinion",
        },
        not_specialists={"spine_surgeon"},
    ),
    Story(
        "someone with a stimulator is not offered one (decision 10)",
        {
            "pain_areas": ["lower_back", "leg"],
            "pain_duration": "over_1_year",
            "pain_trend": "worse",
            "leg_pain_below_knee": True,
            "pain_average": 7,
            "treatments_tried": ["spine_surgery", "spinal_cord_stimulator"],
            "surgery_when": "over_1_year",
            "pain_since_surgery": "worse",
        },
        "routine",
        specialists={"interventional_pain_specialist"},
        not_options={"spinal_cord_stimulation"},
    ),
    Story(
        "nerve ablation already done is not suggested again",
        {
            **CHRONIC_BACK,
            "leg_pain_below_knee": False,
            "pain_average": 7,
            "treatments_tried": ["physical_therapy", "nerve_ablation"],
            "physical_therapy_result": "did_not_help",
        },
        "routine",
        not_options={"medial_branch_block", "radiofrequency_ablation"},
    ),
    Story(
        "severe arm pain from the neck: no low-back epidural advice",
        {
            "pain_areas": ["neck", "arm"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "worse",
            "arm_pain_below_elbow": True,
            "pain_average": 8,
            "treatments_tried": ["physical_therapy"],
            "physical_therapy_result": "did_not_help",
        },
        "routine",
        not_options={"epidural_steroid_injection"},
    ),
    Story(
        "subacute back pain after physical therapy gets exercise (reference 2.5)",
        {
            "pain_areas": ["lower_back"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "improving",
            "treatments_tried": ["physical_therapy"],
            "physical_therapy_result": "helped",
        },
        "routine",
        options={"exercise_therapy"},
    ),
    Story(
        "Suboxone for opioid use disorder is a treatment to keep (CDC 2022 rec 12)",
        {**CHRONIC_BACK, "medications": ["Suboxone 8/2 film daily"]},
        "routine",
        says=("important treatment to keep",),
        not_says=("rely less on opioids", "lean less on opioids"),
    ),
    Story(
        "ibuprofen with low-dose aspirin is a bleeding flag, not two NSAIDs (MED7)",
        {"medications": ["ibuprofen 400mg", "aspirin 81mg"]},
        "routine",
        flags={"nsaid_bleeding_risk", "blood_thinner_before_procedure"},
        not_says=("more than one painkiller",),
    ),
    Story(
        "an opioid with a sedating antipsychotic (MED1, MED19)",
        {"medications": ["oxycodone 5mg", "Seroquel 50mg"]},
        "routine",
        flags={"opioid_benzodiazepine", "naloxone_discussion"},
        says=("signs of an overdose",),
    ),
    Story(
        "an opioid with sleep apnea (MED19)",
        {"medications": ["tramadol 50mg"], "conditions": ["sleep_apnea"]},
        "routine",
        flags={"naloxone_discussion", "opioid_sleep_apnea"},
    ),
    Story(
        "duloxetine with heavy drinking (MED14)",
        {"medications": ["Cymbalta 60mg"], "alcohol_per_week": "21_or_more"},
        "routine",
        flags={"duloxetine_liver_kidney"},
    ),
    Story(
        "amitriptyline at 72 (MED15)",
        {"medications": ["amitriptyline 10mg at night"], "age": 72},
        "routine",
        flags={"tricyclic_caution"},
    ),
    Story(
        "tizanidine with ciprofloxacin (MED17)",
        {"medications": ["tizanidine 4mg", "Cipro 500mg"]},
        "routine",
        flags={"tizanidine_interaction"},
    ),
    Story(
        "diabetes and a bleeding problem are in the preparation list",
        {**CHRONIC_BACK, "conditions": ["diabetes", "bleeding_disorder"]},
        "routine",
        says=("say that you have diabetes", "bleeding problem before any spine injection"),
    ),
    Story(
        # a yes counts for every blood-thinner rule, even with no name (issue 21, decision 15)
        "says yes to a blood thinner it could not name: told to tell the clinic",
        {**CHRONIC_BACK, "blood_thinner": "yes", "medications": ["the little white pill"]},
        "routine",
        flags={"blood_thinner_before_procedure"},
        says=("tell the clinic before the visit that you take a blood thinner",),
    ),
    Story(
        "not sure about a blood thinner counts as maybe: ask before a procedure",
        {**CHRONIC_BACK, "blood_thinner": "not_sure"},
        "routine",
        says=("tell the clinic before the visit that you take a blood thinner",),
    ),
    Story(
        "allergic to contrast dye: tell the clinic before a scan or injection",
        {**CHRONIC_BACK, "allergies": ["contrast_dye"], "allergy_details": "hives after a CT"},
        "routine",
        says=("allergy before any scan, injection or procedure",),
    ),
    Story(
        "an MRI already done: bring its report",
        {
            **CHRONIC_BACK,
            "scans_done": ["mri"],
            "scans_when": "3_to_12_months",
            "can_bring_reports": "yes",
        },
        "routine",
        says=("bring the reports of the tests you have had", "an mri scan"),
    ),
    Story(
        "a medicine nobody knows",
        {"medications": ["Zzyzx root tea"]},
        "routine",
        specialists={"pharmacist"},
        flags=set(),
    ),
    # -- issue 21: the examples the issue names, each standing for its class -------------------
    Story(
        "ten days after a discectomy, with a fever: the operating team, never a surgical opinion",
        {
            "rf_fever": True,
            "pain_areas": ["lower_back", "leg"],
            "pain_duration": "over_1_year",
            "pain_trend": "worse",
            "leg_pain_below_knee": True,
            "pain_average": 8,
            "treatments_tried": ["physical_therapy", "spine_surgery"],
            "physical_therapy_result": "did_not_help",
            "surgery_when": "under_8_weeks",
            "pain_since_surgery": "worse",
        },
        "same_day",
        not_options={"surgical_opinion", "spinal_manipulation", "epidural_steroid_injection"},
        not_specialists={"spine_surgeon", "chiropractor"},
        says=("team that did your spine surgery",),
        not_says=("whether surgery could help", "gets better"),
    ),
    Story(
        "a blood thinner, a small fall and worse pain: same day, and no manual therapy (1.1)",
        {
            "pain_areas": ["lower_back"],
            "pain_duration": "under_2_weeks",
            "pain_trend": "worse",
            "fall_or_injury": True,
            "medications": ["Xarelto 20 mg daily"],
        },
        "same_day",
        not_options={"spinal_manipulation", "massage", "acupuncture"},
        not_specialists={"chiropractor", "massage_therapist", "acupuncturist"},
        says=("bleeding near the spine",),
    ),
    Story(
        "not sure about saddle numbness is handled as yes (decision 15)",
        {"rf_saddle_numbness": "not_sure"},
        "emergency",
        red_flags={"rf_saddle_numbness": "emergency"},
        says=("not sure is treated as yes",),
    ),
    Story(
        "diabetes and new severe pain, no fever: same day (RF14)",
        {
            "conditions": ["diabetes"],
            "pain_duration": "under_2_weeks",
            "pain_average": 8,
            "pain_areas": ["lower_back"],
        },
        "same_day",
    ),
    Story(
        "60 and first_episode unanswered, pain not improving: read the safer way (RF18)",
        {"age": 60, "pain_duration": "2_to_4_weeks", "pain_trend": "same"},
        "soon",
    ),
    Story(
        "co-codamol 30/500 two four times a day at 70: 4 g is above the 3 g for over 65",
        {"age": 70, "medications": ["co-codamol 30/500 two four times a day"], "_region": "uk"},
        "routine",
        flags={"acetaminophen_liver"},
        says=("paracetamol",),
    ),
    Story(
        "oxycodone 10 mg every 4 hours is 90 MME a day: naloxone (CDC 2022 rec 8)",
        {"medications": ["oxycodone 10 mg every 4 hours"]},
        "routine",
        flags={"naloxone_discussion"},
    ),
    Story(
        "gabapentin for sciatica: a medicine review (NICE NG59 2020)",
        {
            "pain_areas": ["lower_back", "leg"],
            "leg_pain_below_knee": True,
            "medications": ["gabapentin 300 mg three times a day"],
        },
        "routine",
        options={"medication_review"},
        says=("advises against gabapentin-type medicines",),
    ),
    Story(
        "aspirin 325 mg in pregnancy is an NSAID; said no blood thinner, so no prescriber wording",
        {"medications": ["aspirin 325 mg"], "conditions": ["pregnant"], "blood_thinner": "no"},
        "routine",
        flags={"nsaid_pregnancy", "blood_thinner_before_procedure"},
        not_says=("prescribes your blood thinner",),
    ),
    Story(
        "two-level pain in both legs when walking: no epidural (NICE NG59 1.3.2)",
        {
            "pain_areas": ["lower_back", "leg"],
            "pain_duration": "4_to_12_weeks",
            "pain_trend": "worse",
            "leg_pain_below_knee": True,
            "walking_distance": "few_minutes",
            "pain_side": "both",
            "pain_average": 8,
            "treatments_tried": ["physical_therapy"],
            "physical_therapy_result": "did_not_help",
        },
        "routine",
        not_options={"epidural_steroid_injection"},
        says=("your clinician will first ask about numbness between the legs",),
    ),
    Story(
        "talking therapy comes with exercise, never instead (NICE NG59 1.2.8)",
        {
            "mood_low_interest": "nearly_every_day",
            "mood_down": "nearly_every_day",
            "pain_areas": ["lower_back"],
            "pain_duration": "under_2_weeks",
        },
        "routine",
        options={"cognitive_behavioral_therapy", "exercise_therapy"},
    ),
]


def summarise(story: Story, questionnaire) -> dict[str, Any]:
    answers = dict(story.answers)
    region = answers.pop("_region", None)
    raw = minimal_answers(questionnaire, **answers)
    if story.urgency == "emergency":  # the walk stops at the sign: only what was asked so far
        raw = {k: v for k, v in raw.items() if k.startswith("rf_") or k in answers}
    checked, problems, missing = check_answers(questionnaire, raw)
    assert not problems, problems
    if story.urgency != "emergency":
        assert not missing, missing
    return to_json_dict(assess(questionnaire, checked, region=region))


@pytest.mark.parametrize("story", STORIES, ids=[s.name for s in STORIES])
def test_story(story: Story, questionnaire) -> None:
    summary = summarise(story, questionnaire)
    assert_contract_json(summary)
    assert summary["urgency"] == story.urgency
    for flag_id, urgency in story.red_flags.items():
        shown = {f["id"]: f["urgency"] for f in summary["red_flags"]}
        assert RANK[shown[flag_id]] >= RANK[urgency], shown
    specialists = {s["id"] for s in summary["specialists"]}
    options = {o["id"] for o in summary["options"]}
    assert story.specialists <= specialists, specialists
    assert story.options <= options, options
    assert not story.not_specialists & specialists
    assert not story.not_options & options
    if story.flags is not None:
        assert {f["id"] for f in summary["medication_flags"]} == story.flags
    if story.urgency == "emergency":  # only what to do now and why (decision 7)
        assert specialists == set()
        assert options == set()
        assert summary["messages"] == []
        assert summary["preparation"] == []
    text = json.dumps(summary, ensure_ascii=False).lower()
    for phrase in story.says:
        assert phrase.lower() in text, phrase
    for phrase in story.not_says:
        assert phrase.lower() not in text, phrase


def test_stories_cover_every_sign_specialist_option_and_flag(questionnaire) -> None:
    assert len(STORIES) >= 25
    seen = {"red": set(), "specialists": set(), "options": set(), "flags": set()}
    for story in STORIES:
        summary = summarise(story, questionnaire)
        seen["red"] |= {f["id"] for f in summary["red_flags"]} & set(story.red_flags)
        seen["specialists"] |= story.specialists
        seen["options"] |= story.options
        seen["flags"] |= story.flags or set()
    assert seen["red"] == set(RED_FLAGS)
    assert seen["specialists"] == SPECIALISTS
    assert seen["options"] == OPTIONS
    assert seen["flags"] == MEDICATION_FLAGS | ADDED_MEDICATION_FLAGS


def test_stories_cover_every_article_point() -> None:
    covered = {point for story in STORIES for point in story.points}
    assert covered == {f"A{n}" for n in range(1, 13)}


@pytest.mark.parametrize(
    ("typed", "generics"),
    [
        ("Percocet 5/325 twice a day", {"oxycodone", "acetaminophen"}),
        ("Tylenol #3", {"codeine", "acetaminophen"}),
        ("tylenol 500mg", {"acetaminophen"}),
        ("Tylenol 3 times a day", {"acetaminophen"}),
        ("OXYCONTIN ER 20 MG", {"oxycodone"}),
        ("Duragesic patch 25 mcg/hr", {"fentanyl"}),
        ("Voltaren gel", {"diclofenac"}),
        ("Voltarol", {"diclofenac"}),
        ("Zapain", {"codeine", "acetaminophen"}),
        ("Lyrica CR 82.5mg", {"pregabalin"}),
        ("Percoset", {"oxycodone", "acetaminophen"}),
        ("gabapentine 300mg tid", {"gabapentin"}),
        ("xanex", {"alprazolam"}),
        ("cymbolta 60", {"duloxetine"}),
        ("Eliquiss 5mg", {"apixaban"}),
    ],
)
def test_medicine_names_brands_and_typos(typed, generics):
    from spinecheck.medicines.matching import default_index

    match = default_index().match(typed)
    assert match.recognized
    assert set(match.generic_names) == generics


@pytest.mark.parametrize("typed", ["some pills", "water", "the blue one"])
def test_unknown_or_ambiguous_names_are_not_guessed(typed):
    from spinecheck.medicines.matching import default_index

    match = default_index().match(typed)
    assert not match.recognized, match


@pytest.mark.parametrize("typed", ["Zyrtec", "vitamin D 1000 units", "fish oil", "metformin 500mg"])
def test_common_medicines_that_are_not_pain_medicines_are_known_as_such(typed):
    """'Not recognised' is kept for names really unknown (issue 13)."""
    from spinecheck.medicines.matching import default_index

    match = default_index().match(typed)
    assert match.recognized, match
    assert set(match.classes) == {"other"}


def test_a_typo_never_changes_the_class():
    """Every single-letter slip of every name reads as the same medicines, or not at all."""
    from spinecheck.medicines.matching import default_index

    index = default_index()
    for name, generics in index.names.items():
        if len(name) < 5 or " " in name:
            continue
        slips = set()
        for position in range(len(name)):
            slips.add(name[:position] + name[position + 1 :])  # a letter left out
            slips.add(name[: position + 1] + name[position:])  # a letter doubled
            if position + 1 < len(name):  # two letters swapped
                slips.add(
                    name[:position] + name[position + 1] + name[position] + name[position + 2 :]
                )
        for slip in slips - {name}:
            match = index.match(slip)
            if match.recognized and match.fuzzy:
                if not match.generic_names:  # between medicines of one class: only the class
                    own = {c for g in generics for c in index.medicines[g].classes}
                    assert set(match.classes) <= own, (name, slip, match)
                    continue
                assert set(match.generic_names) == set(generics), (name, slip, match)


def test_autocomplete_comes_from_the_medicine_data():
    from spinecheck.medicines.matching import default_index

    names = default_index().completions()
    assert {"Percocet", "gabapentin", "co-codamol", "Tylenol #3"} <= set(names)
    assert names == sorted(names, key=str.lower)


def test_medicine_data_file_is_clean():
    """The data file is read with the fast loader at run time, so check it strictly here."""
    from importlib.resources import files

    from spinecheck.questionnaire.reading import decode, parse_yaml

    raw = (files("spinecheck") / "medicines" / "medicines.yaml").read_bytes()
    document = parse_yaml(decode(raw, "medicines.yaml"), "medicines.yaml")
    assert document.problems == []
    data = document.data
    for brand, components in data["combinations"].items():
        assert set(components) <= set(data["medicines"]), brand
    for generic, entry in data["medicines"].items():
        assert set(entry["classes"]) <= set(data["classes"]), generic
