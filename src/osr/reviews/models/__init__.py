"""Review boards, split by aggregate: boards, decisions, assessments, actions, rehearsals."""

from .actions import Action
from .assessments import Assessment, CriterionRating
from .boards import AgendaItem, PanelMember, ReviewBoard
from .decisions import Decision
from .rehearsals import Finding, Rehearsal

__all__ = [
    "Action",
    "AgendaItem",
    "Assessment",
    "CriterionRating",
    "Decision",
    "Finding",
    "PanelMember",
    "Rehearsal",
    "ReviewBoard",
]
