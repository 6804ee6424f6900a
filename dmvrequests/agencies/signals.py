"""What the directory announces, for the apps above it (docs/decisions/0006-app-boundaries.md).

The agencies app knows none of the apps that read it: a service sends this signal once a change
of ORIs or blocks is saved, and the switch journal connects its receiver in `AppConfig.ready()`
to attribute its past queries again.
"""

from django.dispatch import Signal

# Agencies' ORIs, ORI patterns or blocks changed. Arguments: none.
directory_changed = Signal()
