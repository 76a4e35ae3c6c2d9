"""The interactive walk: its logic, what both front ends say, and the two front ends.

`logic` decides what to ask next (back, review, the emergency stop) and talks through an
`Asker`; `wording` holds what both front ends share; `arrow_keys` (the only prompt_toolkit user)
and `plain` are the front ends; `session` runs one walk from start to summary for the CLI.
May import the core packages and the renderers; the core never imports this package.
"""
