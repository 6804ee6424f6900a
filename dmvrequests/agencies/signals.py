"""What the directory announces, for the apps above it (docs/decisions/0006-app-boundaries.md).

The agencies app knows none of the apps that read it: a service sends this signal once a change
of ORIs or blocks is saved, and the switch journal connects its receiver in `AppConfig.ready()`
to attribute its past queries again.
"""

from django.dispatch import Signal

# Agencies' ORIs, ORI patterns or blocks changed. Argument `oris` (optional): the ORIs and ORI
# patterns concerned, before and after the change; not given, every ORI may have changed.
directory_changed = Signal()
