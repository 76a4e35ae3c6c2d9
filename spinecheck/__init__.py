"""spinecheck: prepare for a spine or pain clinic visit with a short questionnaire."""

# The one place the version lives; the build reads it from here ([tool.hatch.version]), and
# reading it needs no importlib.metadata at start-up.
__version__ = "0.1.0"
