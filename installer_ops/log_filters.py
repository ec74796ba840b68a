"""Logging filters. Django logs every 403 it raises with the exception's
traceback; a refusal is an expected answer, not a fault, so one line is
enough and the tracebacks stay for real errors (5xx)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
