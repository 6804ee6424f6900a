"""Receivers of the directory's signal (connected in SwitchJournalConfig.ready)."""

from typing import Any

from dmvrequests.switchjournal.services import journal_reattribute


def on_directory_changed(**kwargs: Any) -> None:
    """An agency's ORIs or a block changed: attribute past queries and flags again."""
    journal_reattribute()
