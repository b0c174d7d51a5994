from django.urls import path

from .views import actions, board_changes, boards, items, rehearsals

app_name = "reviews"

BOARD = "review-boards/<int:pk>"
ITEM = f"{BOARD}/services/<slug:slug>"

urlpatterns = [
    path("review-boards", boards.board_list, name="boards"),
    path("review-boards/new", boards.board_add, name="board_add"),
    path(BOARD, boards.board_page, name="board"),
    path(f"{BOARD}/edit", boards.board_edit, name="board_edit"),
    path(f"{BOARD}/reschedule", board_changes.board_reschedule, name="board_reschedule"),
    path(f"{BOARD}/cancel", board_changes.board_cancel, name="board_cancel"),
    path(f"{BOARD}/notes", board_changes.board_notes, name="board_notes"),
    path(f"{BOARD}/panel", boards.panel_add, name="panel_add"),
    path(f"{BOARD}/agenda", boards.agenda_add, name="agenda_add"),
    path(ITEM, items.item_page, name="item"),
    path(f"{ITEM}/remove", boards.agenda_remove, name="agenda_remove"),
    path(f"{ITEM}/pack.pdf", items.pack_pdf, name="pack_pdf"),
    path(f"{ITEM}/pack/refresh", items.pack_refresh, name="pack_refresh"),
    path(f"{ITEM}/assessment", items.assessment, name="assessment"),
    path(f"{ITEM}/outcome", items.outcome, name="outcome"),
    path("actions", actions.action_list_page, name="actions"),
    path("actions/<int:pk>", actions.action_page, name="action"),
    path("services/<slug:slug>/rehearsals/new", rehearsals.rehearsal_add, name="rehearsal_add"),
    path("services/<slug:slug>/rehearsals/<int:pk>", rehearsals.rehearsal_page, name="rehearsal"),
    path(
        "services/<slug:slug>/rehearsals/<int:pk>/findings/<int:finding>/action",
        rehearsals.finding_action,
        name="finding_action",
    ),
]
