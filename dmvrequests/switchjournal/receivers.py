"""Receivers of the directory's signals (connected in SwitchJournalConfig.ready)."""

from typing import Any

from dmvrequests.switchjournal import generation
from dmvrequests.switchjournal.services import journal_reattribute


def on_directory_changed(oris: list[str] | None = None, **kwargs: Any) -> None:
    """An agency's ORIs or a block changed: attribute past queries and flags again (of the
    ORIs and patterns `oris` only, when the sender names them); journal_reattribute gives the
    journal a new generation."""
    journal_reattribute(oris)


def on_directory_saved(**kwargs: Any) -> None:
    """An agency or an ORI block was saved or deleted (its name, kind or dates are in the
    section's figures): the cached figures are stale (generation.py)."""
    generation.bump()
