"""The assessment: warning signs, urgency, gates, scores and recommendations, as data.

Turns checked answers into one `Assessment` (rules, gates, scores, the medicines counted) and
its JSON form (the public contract). Pure: may import `spinecheck.questionnaire`,
`spinecheck.medicines` and `spinecheck.errors`; never the walk, a renderer or a command-line,
prompt or drawing library.
"""
