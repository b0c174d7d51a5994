"""Review board pages: boards, agenda items (pack, assessments, outcome), actions, rehearsals."""
