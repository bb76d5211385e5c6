"""Signals of the approval engine. Listeners (reports: the approval form archive) connect in their ready()."""
from django.dispatch import Signal

# Sent after the transaction that completed a process commits; kwargs: process_id.
process_completed = Signal()
