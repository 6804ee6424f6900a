"""Receivers of the directory's signals (connected in SwitchJournalConfig.ready)."""

from typing import Any

from django.db import transaction

from dmvrequests.switchjournal import generation
from dmvrequests.switchjournal.services import journal_reattribute


def on_directory_changed(oris: list[str] | None = None, **kwargs: Any) -> None:
    """An agency's ORIs or a block changed: attribute past queries and flags again (of the
    ORIs and patterns `oris` only, when the sender names them); journal_reattribute gives the
    journal a new generation."""
    journal_reattribute(oris)


def on_directory_saved(**kwargs: Any) -> None:
    """An agency or an ORI block was saved or deleted (its name, kind or dates are in the
    section's figures), or a version of the block list handed over (the block leaks' figure
    says which leaks came after it): the cached figures are stale (generation.py). Once the
    change is committed: the generation's row is then never locked before the journal's rows
    an attribution in the same transaction updates, the order every writer takes (an import's
    batch locks its rows, then the generation), so the two cannot deadlock."""
    transaction.on_commit(generation.bump)
