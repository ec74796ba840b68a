"""What onboarding tells the apps above it, which it may not import
(docs/architecture.md, one-way dependencies): kpis listens."""

from django.dispatch import Signal

# Sent inside the sync's transaction once a batch's consent records are
# stored; `install_refs`: the field data's install ids they name.
consent_recorded = Signal()
