from django.conf import settings


def can_see_personal_data(user):
    """The one check in front of supporters' personal data: lists, pages, exports,
    imports, actions and the audit trail of supporters' rows."""
    return user.is_active and user.has_perm(settings.PERSONAL_DATA_PERMISSION)
