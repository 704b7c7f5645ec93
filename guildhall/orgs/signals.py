"""What the layers above hear from organizations (orgs is below the modules and imports none)."""

from django.dispatch import Signal

#: Sent with `organization=` inside the transaction that changed an organization's name or
#: short name: the modules whose records keep the names (a filing's search text) write
#: them anew in the same transaction.
organization_renamed = Signal()
