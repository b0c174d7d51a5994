"""Review boards, split by aggregate: boards, decisions, assessments, actions, rehearsals."""

from .actions import Action
from .assessments import Assessment, CriterionRating
from .board_changes import BoardChange
from .boards import AgendaItem, PanelMember, ReviewBoard
from .decisions import Decision
from .rehearsals import Finding, Rehearsal

__all__ = [
    "Action",
    "AgendaItem",
    "Assessment",
    "BoardChange",
    "CriterionRating",
    "Decision",
    "Finding",
    "PanelMember",
    "Rehearsal",
    "ReviewBoard",
]
