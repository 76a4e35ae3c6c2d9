"""The questionnaire format: its models, reading files with positions, checks and conditions.

Owns everything about a questionnaire file (`questions.yaml`): the frozen models, the YAML
reader that remembers where each key came from, every check with its line, the condition
evaluator, and which questions are asked and what answers they take. May import only
`spinecheck.errors`, `spinecheck.clean`, PyYAML and pydantic (and the medicine classes of
`spinecheck.medicines.matching`, to check conditions that name them); never the walk, a
renderer or a command-line, prompt or drawing library.
"""
