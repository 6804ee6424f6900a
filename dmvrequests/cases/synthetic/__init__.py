"""Synthetic data at scale, for benchmarks and load tests (`manage.py seed_synthetic`).

Cases are generated oldest first over several years. Each follows a story: it
is logged, submitted, perhaps sent back to the agency for information, decided,
released and closed, each step some days after the one before (`story.py`).
Its status is the last step that has happened by now, so old cases are settled
and recent ones open, as in a real legal unit; a small share stalled at some
step keeps an old backlog in the queues, and one case is placed in each status
so that even a small run has them all.

The rows are what the services would have written: the case with its history
rows, documents and counsel's checklists, decisions with the policy engine's
stored evaluation (under the active profile), questions to the agency,
releases, subject notices, and reads in the
access log continuing the audit hash chain. They are written directly, a
batch at a time: COPY on PostgreSQL, batched INSERTs on SQLite (`storage.py`).
Everything happens in one transaction: an interrupted run leaves nothing
behind, and the case number counters and the chain head stay locked until it
commits, after which real cases and records continue both without a gap.
"""

from dmvrequests.cases.synthetic.generator import SyntheticCases, Totals

__all__ = ["SyntheticCases", "Totals"]
