"""The navigation of the base layout, by role (settings.NAVIGATION)."""

from django.conf import settings
from django.urls import reverse

from .roles import role_of


def navigation(request) -> dict:
    role = role_of(getattr(request, "user", None))
    if role is None:
        return {"nav_items": [], "user_role": None}
    items = []
    for label, url_name in settings.NAVIGATION.get(role.value, []):
        url = reverse(url_name)
        items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items, "user_role": role}
