"""Renderers: one summary `Document`, drawn in every format (they never prompt).

`document` decides what a summary says; `plain`, `terminal`, `markdown`, `html` and `pdf` draw it;
`fhir` writes FHIR resources; `formats` picks the format for a request. May import the core
packages, Rich (`terminal` only) and fpdf2 (`pdf` only); never the walk, Typer or prompt_toolkit.
"""
