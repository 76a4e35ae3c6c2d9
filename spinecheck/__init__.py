"""spinecheck: prepare for a spine or pain clinic visit with a short questionnaire."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("spinecheck")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
