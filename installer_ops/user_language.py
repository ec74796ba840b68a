"""The language a page is read in: the person's own choice when they made
one (User.language), otherwise what LocaleMiddleware took from the browser's
Accept-Language header. A mail has no browser: it is written in the
recipient's own choice, otherwise in English (mail_language_of)."""

from django.conf import settings
from django.utils import translation


def mail_language_of(user) -> str:
    """The language a mail to `user` is written in: their account's choice when
    it is one the product offers, otherwise settings.LANGUAGE_CODE."""
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class UserLanguageMiddleware:
    """Placed after AuthenticationMiddleware (it needs request.user) and so
    after LocaleMiddleware, whose choice it overrides. LocaleMiddleware's
    response half then reports the language actually used (Content-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
