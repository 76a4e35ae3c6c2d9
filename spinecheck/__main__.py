"""Run spinecheck as `python -m spinecheck`."""

from spinecheck.launcher import main

main()
