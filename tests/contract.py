"""The public answers contract, written out from ../shared/answers-contract.md (not from the code)."""

from __future__ import annotations

from typing import Any

URGENCIES = {"emergency", "same_day", "soon", "routine"}
PHASES = {"acute", "subacute", "chronic"}
SPECIALISTS = {
    "primary_care", "physical_therapist", "physiatrist", "interventional_pain_specialist",
    "spine_surgeon", "neurologist", "rheumatologist", "pain_psychologist", "addiction_medicine",
    "pharmacist", "chiropractor", "acupuncturist", "massage_therapist",
}  # fmt: skip
OPTIONS = {
    "stay_active", "superficial_heat", "massage", "acupuncture", "spinal_manipulation",
    "exercise_therapy", "physical_therapy", "multidisciplinary_rehabilitation", "mindfulness",
    "yoga_tai_chi", "cognitive_behavioral_therapy", "medication_review",
    "epidural_steroid_injection", "medial_branch_block", "radiofrequency_ablation",
    "spinal_cord_stimulation", "surgical_opinion",
}  # fmt: skip
MEDICATION_FLAGS = {
    "opioid_benzodiazepine", "opioid_gabapentinoid", "opioid_alcohol", "opioid_muscle_relaxant",
    "serotonin_syndrome_risk", "nsaid_bleeding_risk", "nsaid_ulcer_history",
    "nsaid_heart_blood_pressure", "nsaid_kidney", "nsaid_pregnancy", "multiple_nsaids",
    "acetaminophen_liver", "blood_thinner_before_procedure", "naloxone_discussion",
}  # fmt: skip
ADDED_MEDICATION_FLAGS = {
    "opioid_sleep_apnea", "duloxetine_liver_kidney", "tricyclic_caution", "tizanidine_interaction",
}  # fmt: skip
"""Flag ids added since contract 1.1 (issue 14; listed in docs/questionnaire-format.md): the
contract's ids keep their meaning, and scripts should expect ids they do not know."""
RED_FLAGS = {
    "rf_saddle_numbness": "emergency", "rf_bladder_change": "emergency",
    "rf_bowel_change": "emergency", "rf_sexual_function_change": "emergency",
    "rf_worsening_weakness": "emergency", "rf_both_legs": "same_day",
    "rf_hand_clumsiness_or_balance": "same_day", "rf_major_trauma": "emergency",
    "rf_minor_trauma_fragile_bones": "same_day", "rf_cancer_history": "same_day",
    "rf_weight_loss": "soon", "rf_night_pain": "soon", "rf_fever": "same_day",
    "rf_infection_risk": "soon", "rf_belly_and_back_pain": "emergency",
    "rf_stroke_signs": "emergency",
}  # fmt: skip

IBP = ["ibp_started_before_40", "ibp_gradual_onset", "ibp_better_with_exercise",
       "ibp_not_better_with_rest", "ibp_wakes_second_half_night"]  # fmt: skip
CHRONIC = {"in": ["3_to_12_months", "over_1_year"]}
# id: (kind, values or range, required, condition as (question, operator, operand) or None)
QUESTIONS: dict[str, tuple[str, Any, bool, Any]] = {
    **dict.fromkeys(RED_FLAGS, ("yes_no", None, True, None)),
    "pain_areas": ("multiple", ["neck", "upper_back", "lower_back", "buttock_hip", "arm", "leg"], True, None),
    "pain_duration": ("single", ["under_2_weeks", "2_to_4_weeks", "4_to_12_weeks", "3_to_12_months", "over_1_year"], True, None),
    "pain_trend": ("single", ["improving", "same", "worse"], True, None),
    "flare_up": ("yes_no", None, False, {"question": "pain_duration", **CHRONIC}),
    "leg_pain_below_knee": ("yes_no", None, False, {"question": "pain_areas", "includes": ["lower_back", "buttock_hip", "leg"]}),
    "arm_pain_below_elbow": ("yes_no", None, False, {"question": "pain_areas", "includes": ["neck", "upper_back", "arm"]}),
    "numbness_tingling": ("yes_no", None, False, None),
    "pain_average": ("scale", (0, 10), True, None),
    "interference_enjoyment": ("scale", (0, 10), True, None),
    "interference_activity": ("scale", (0, 10), True, None),
    **{
        item: ("yes_no", None, False, {"all": [{"question": "pain_areas", "includes": ["lower_back", "upper_back"]}, {"question": "pain_duration", **CHRONIC}]})
        for item in IBP
    },
    "treatments_tried": ("multiple", ["self_care", "physical_therapy", "exercise_program", "chiropractic", "massage", "acupuncture", "psychological_therapy", "otc_medicines", "prescription_medicines", "spinal_injections", "nerve_ablation", "spinal_cord_stimulator", "spine_surgery", "none"], True, None),
    "physical_therapy_result": ("single", ["helped", "helped_a_little", "did_not_help", "too_painful_to_continue"], False, {"question": "treatments_tried", "includes": "physical_therapy"}),
    "injection_result": ("single", ["lasting_relief", "short_relief", "no_relief"], False, {"question": "treatments_tried", "includes": "spinal_injections"}),
    "surgery_when": ("single", ["under_8_weeks", "8_to_12_weeks", "3_to_12_months", "over_1_year"], False, {"question": "treatments_tried", "includes": "spine_surgery"}),
    "pain_since_surgery": ("single", ["better", "same", "worse"], False, {"question": "treatments_tried", "includes": "spine_surgery"}),
    "medications": ("text_list", None, False, None),
    "alcohol_per_week": ("single", ["none", "up_to_7", "8_to_20", "21_or_more"], False, None),
    "substance_concern": ("single", ["no", "yes", "prefer_not_to_say"], False, None),
    "smoking": ("single", ["never", "former", "current"], False, None),
    "age": ("integer", (0, 120), True, None),
    "conditions": ("multiple", ["kidney_disease", "liver_disease", "stomach_ulcer_or_bleeding", "heart_disease_or_stroke", "high_blood_pressure", "diabetes", "osteoporosis", "bleeding_disorder", "sleep_apnea", "lung_disease", "pregnant", "none"], False, None),
    "height_cm": ("integer", (50, 250), False, None),
    "weight_kg": ("integer", (20, 350), False, None),
    "work_status": ("single", ["working", "working_reduced", "off_work_due_to_pain", "unemployed", "retired", "student", "homemaker", "other", "prefer_not_to_say"], False, None),
    **{m: ("single", ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"], False, None) for m in ("mood_low_interest", "mood_down", "mood_nervous", "mood_worry")},
    "goals": ("text", None, False, None),
    "questions_for_clinician": ("text", None, False, None),
}  # fmt: skip
ADDED_VALUES = {
    # issue 21: infection risk the answers can show (decision 15)
    "conditions": ["hiv", "dialysis", "weak_immune_system"],
}
"""Values added to a contract question since contract 1.2 (the contract allows adding)."""
EXCLUSIVE_NONE = {"treatments_tried", "conditions"}


def assert_contract_json(summary: dict[str, Any]) -> None:
    """Assert that a JSON summary has the contract's keys, kinds and vocabularies."""
    for key in ("urgency", "red_flags", "pain_phase", "scores", "specialists", "options",
                "medication_flags", "medications", "preparation", "questionnaire"):  # fmt: skip
        assert key in summary, key
    assert summary["urgency"] in URGENCIES
    assert summary["pain_phase"] in PHASES | {None}
    for flag in summary["red_flags"]:
        assert flag["id"] in RED_FLAGS
        assert flag["urgency"] in URGENCIES
        assert isinstance(flag["message"], str)
        assert flag["message"]
    scores = summary["scores"]
    for score_id in ("pain_interference", "mood_depression", "mood_anxiety"):
        assert "value" in scores[score_id]
    for score_id in ("mood_depression", "mood_anxiety"):
        value, positive = scores[score_id]["value"], scores[score_id]["positive"]
        if value is not None:
            assert 0 <= value <= 6
            assert positive == (value >= 3)
    value = scores["pain_interference"]["value"]
    if value is not None:
        assert 0 <= value <= 10
        assert round(value, 1) == value
    for key, vocabulary in (("specialists", SPECIALISTS), ("options", OPTIONS)):
        for item in summary[key]:
            assert item["id"] in vocabulary
            assert item["reasons"]
            assert all(isinstance(r, str) and r for r in item["reasons"])
            assert item["sources"]
    for flag in summary["medication_flags"]:
        assert flag["id"] in MEDICATION_FLAGS | ADDED_MEDICATION_FLAGS
        assert flag["medications"]
        assert flag["message"]
        assert flag["sources"]
    for medicine in summary["medications"]:
        assert set(medicine) >= {"as_typed", "recognized", "generic_names", "classes"}
        assert isinstance(medicine["recognized"], bool)
    for item in summary["preparation"]:
        assert set(item) >= {"id", "text"}
    assert set(summary["questionnaire"]) >= {"id", "version"}
