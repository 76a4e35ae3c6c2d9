"""Run spinecheck as `python -m spinecheck`."""

from spinecheck.cli import main

main()
