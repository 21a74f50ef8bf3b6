"""What registry tells the apps above it (it never imports them)."""

from django.dispatch import Signal

# Sent inside the transaction that cancels an event, with `record`, `actor` and `reason`: approvals releases the
# event's halls here, and refunds belong here too. A receiver that raises undoes the cancellation.
event_cancelled = Signal()

# Sent after writes that add or change memberships in bulk (imports), which send no model signals, with
# `organization_ids`: cms keeps each organization's page group in step with its memberships here.
memberships_changed = Signal()
