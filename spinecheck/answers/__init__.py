"""Answer files: reading and checking them, and the walk's progress files, written safely.

Owns the answer-file shape of the answers contract (the metadata block, one answer per
question id), reading it with every problem located, and writing progress owner-only and
atomically. May import `spinecheck.questionnaire`, `spinecheck.assessment`, `spinecheck.errors`
and PyYAML; never the walk, a renderer or a command-line, prompt or drawing library.
"""
