"""Publishing tasks without letting a broker outage fail the request.

Work that must happen is recorded in the database first (a KPI job row, the
absence of today's reminder run); publishing is only the nudge. When Redis is
down the nudge is logged and dropped, the request succeeds, and a periodic
sweep publishes the recorded work once the broker is back."""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What publishing raises with the broker unreachable: kombu wraps the
# transport's connection errors in OperationalError; a refused socket can
# also surface as a plain OSError.
BROKER_ERRORS = (OperationalError, OSError)


def publish(task, *args, _queue: str | None = None, **kwargs) -> bool:
    """Send `task`; True if the broker took it, False (logged) if it is unreachable.
    Fire and forget: the database records the work, so no result is kept.
    `_queue`: a queue other than the default (a task's follow-ups go where
    the task itself was sent)."""
    options = {"queue": _queue} if _queue else {}
    try:
        if task.app.conf.task_always_eager:
            # Tasks run here (no broker configured, the embedded default): no
            # connection to the placeholder broker, which would only warn. A
            # task that fails has recorded its failure on its work row; the
            # request that asked for it still succeeds.
            try:
                task.apply_async(args=args, kwargs=kwargs, ignore_result=True)
            except BROKER_ERRORS:
                raise
            except Exception:
                logger.exception("%s failed in-process (recorded on its work)", task.name)
            return True
        # One quick connection attempt and no publish retries: a request must
        # not hang on a dead broker (the defaults retry for 6 to 19 s).
        with task.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0.2, interval_step=0.2)
            task.apply_async(
                args=args, kwargs=kwargs, connection=connection, retry=False, ignore_result=True, **options
            )
    except BROKER_ERRORS as exc:
        logger.warning("Broker unreachable, %s not sent (the sweep will send it): %s", task.name, exc)
        return False
    return True
