"""Receivers of the directory's signal (connected in SwitchJournalConfig.ready)."""

from typing import Any

from dmvrequests.switchjournal.services import journal_reattribute


def on_directory_changed(oris: list[str] | None = None, **kwargs: Any) -> None:
    """An agency's ORIs or a block changed: attribute past queries and flags again (of the
    ORIs and patterns `oris` only, when the sender names them)."""
    journal_reattribute(oris)
