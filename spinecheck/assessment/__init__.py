"""The assessment: warning signs, urgency, scores, medicines and recommendations, as data.

Turns checked answers into one `Assessment` (rules, scores, medicine matching) and its JSON form
(the public contract). Pure: may import `spinecheck.questionnaire` and `spinecheck.errors`;
never the walk, a renderer or a command-line, prompt or drawing library.
"""
