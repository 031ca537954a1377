"""The steps of the interview window: respondent, one page per question, review."""
