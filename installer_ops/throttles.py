"""API throttles over the shared cache (Redis when configured)."""

import logging

from redis.exceptions import RedisError
from rest_framework.exceptions import APIException
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)


class ThrottleUnavailable(APIException):
    status_code = 503
    default_detail = "The request limiter is unavailable. Try again in a moment."
    default_code = "throttle_unavailable"


class SharedScopedRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle whose counts live in the shared cache. When the
    cache cannot be reached the request is refused with a 503 the client may
    retry, not let through: the token endpoint guards passwords, and an
    unlimited one while Redis is down would invite guessing."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            logger.warning("Throttle cache unreachable (%s); refusing %s", type(error).__name__, request.path)
            raise ThrottleUnavailable from error
