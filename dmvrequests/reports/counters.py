"""The counters a DailyRollup row keeps, one integer column each.

A case adds 1 to each counter that holds for it (rollups.case_counters):

- ``requests``: every case; ``decided``: a decision in effect (``decided_at`` set);
  ``produced``: a release in the ledger;
- ``outcome_<o>``: its outcome (casefacts.Outcome: approved, approved_partial, denied,
  withdrawn, pending);
- ``channel_<c>``: the channel it came by;
- ``offered_<t>``: each type of legal document it offered; ``offered_nothing``: none at all;
- ``released_<c>``: each record category its releases included;
- ``primary_<t>`` and ``produced_primary_<t>``: its strongest legal process (the
  transparency report's row), and the same when some data was produced;
- ``notice_<n>``: its subject notice, if it has one, as settled (casefacts.notice_state:
  on_time, late, exempted) or still open. Whether an open notice is overdue depends on
  today, not on the case: notices.py counts the few open ones past their due date
  directly and takes them from ``notice_open``.

Adding a value to one of these vocabularies adds a column: a migration, then
``manage.py rebuild_rollups``.
"""

from dmvrequests.cases.models import Channel
from dmvrequests.vocabulary import LegalProcessType, RecordCategory

# casefacts.notice_state's values, spelt here: casefacts imports the cases' models.
NOTICE_STATES = ("on_time", "late", "exempted", "open")
OUTCOME_CODES = ("approved", "approved_partial", "denied", "withdrawn", "pending")

COUNTERS = (
    "requests",
    "decided",
    "produced",
    *[f"outcome_{code}" for code in OUTCOME_CODES],
    *[f"channel_{value}" for value in Channel.values],
    *[f"offered_{value}" for value in LegalProcessType.values],
    "offered_nothing",
    *[f"released_{value}" for value in RecordCategory.values],
    *[f"primary_{value}" for value in LegalProcessType.values],
    *[f"produced_primary_{value}" for value in LegalProcessType.values],
    *[f"notice_{state}" for state in NOTICE_STATES],
)
