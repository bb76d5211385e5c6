"""Domain signals of governance, for apps above it (governance never imports them)."""
from django.dispatch import Signal

# Sent inside the filing's transaction when a demand awaits the province's allocation; kwargs: demand, user.
# The approval engine starts the allocation request (a failure there fails the filing).
demand_needs_province = Signal()
