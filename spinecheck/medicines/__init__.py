"""Medicine knowledge: names, classes and doses as patients type them, from one data file.

`matching` recognises each medicine of a typed list (brands, combinations, spelling slips, what
is not taken) and `doses` works out daily totals for the clinician (morphine milligram
equivalents). It sits below both the questionnaire format (which checks the class names that
conditions test) and the assessment (which counts medicines for the rules). May import only
`spinecheck.errors`, PyYAML and rapidfuzz; never the questionnaire, the assessment, the walk, a
renderer or a command-line, prompt or drawing library.
"""
