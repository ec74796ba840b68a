"""Request middleware of the organisation app."""

from .audit import audit_source


class AuditSourceMiddleware:
    """Names the door of a web request for the audit log: the API, the
    admin, or a page. The tablet's sync names itself (a more specific door)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        source = "api" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else "page"
        with audit_source(source):
            return self.get_response(request)


class AdminStyleAttributesMiddleware:
    """Django's admin sets style attributes from its own templates and
    scripts (the permission picker, the password form), which `style-src
    'self'` refuses. On /admin/ alone, styles may be inline; scripts stay
    `'self'` everywhere. Placed after CSPMiddleware, so that its response
    passes through here first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response
