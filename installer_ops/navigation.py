"""The navigation of the base layout, by role (settings.NAVIGATION)."""

from django.conf import settings
from django.urls import reverse

from .roles import role_of


def navigation(request) -> dict:
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = [
        {"label": label, "url": reverse(url_name), "active": False}
        for label, url_name in settings.NAVIGATION.get(role.value, [])
    ]
    # One entry is current: the one whose URL is the longest prefix of the
    # path. "Cohorts" lives at /lead/ and "Programs" at /lead/programs/, so a
    # plain prefix test would light both on a program page.
    matching = [item for item in items if item["url"] != "/" and request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "user_role": role}
