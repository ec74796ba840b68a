"""{% invitation_of installer as invitation %}: where an installer's
invitation stands and whether the viewer may send it, for the person page's
partial (installer_ops/_invitation.html), which gets only `installer`."""

from django import template

from ..invitations import invitation_state

register = template.Library()


@register.simple_tag(takes_context=True)
def invitation_of(context, installer):
    return invitation_state(context["request"].user, installer)
