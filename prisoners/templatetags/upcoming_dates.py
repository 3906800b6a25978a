"""The staff index's "Next 30 days" panel: the public page's dates (prisoners.upcoming),
with links to the admin's change pages, for staff who may see the profiles.

    {% load upcoming_dates %}
    {% upcoming_dates_panel %}
"""

from django import template

from prisoners import upcoming

register = template.Library()


@register.inclusion_tag("prisoners/_upcoming_admin.html", takes_context=True)
def upcoming_dates_panel(context):
    user = context["request"].user
    if not user.has_perm("prisoners.view_prisoner"):
        return {"show": False}
    first, _last = upcoming.window()
    return {
        "show": True,
        "days": upcoming.upcoming_days(first),
        "window_days": upcoming.WINDOW_DAYS,
        "first": first,
    }
