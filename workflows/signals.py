"""Signals of the approval engine. Listeners (reports: the approval form archive) connect in their ready()."""
from django.dispatch import Signal

# Sent after the transaction that completed a process commits; kwargs: process_id.
process_completed = Signal()

# Sent inside the transaction that completes a process, after its last event is recorded; kwargs: process.
# Listeners write what must commit with the completion (reports: the approval form's data snapshot).
process_completing = Signal()
