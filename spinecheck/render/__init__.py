"""Renderers: turn an assessment into text for people (they never print and never prompt)."""
