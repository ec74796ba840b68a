from celery import shared_task

from .services import onboarding_stage_sync


@shared_task(
    acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, time_limit=300, soft_time_limit=240
)
def advance_completed_bootcamps() -> int:
    """Daily (beat): installers whose bootcamp is complete move to onboarding. Idempotent."""
    return onboarding_stage_sync()
