"""The staff site: the Django admin behind two-factor sign-in.

Staff sign in through two_factor's login (password, then a code from their authenticator
app or a recovery code). Administrators and data protection officers must have a second
factor: until they set one up, the admin sends them to the set-up page. Other staff may
add one and then always use it.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from two_factor.utils import default_device

from .audit import audited
from .roles import TWO_FACTOR_REQUIRED


def requires_second_factor(user):
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name__in=TWO_FACTOR_REQUIRED).exists()


def is_verified(user):
    return getattr(user, "is_verified", lambda: False)()


class StaffActionsMixin:
    """Every admin action is written to the audit trail; and an action the staff member
    may not run is refused with 403, rather than the admin's quiet "no action selected":
    a forged POST is an error, not a slip."""

    def get_actions(self, request):
        return {
            name: (audited(function), name, description)
            for name, (function, _, description) in super().get_actions(request).items()
        }

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":
            allowed = self.get_actions(request)
            if any(name and name not in allowed for name in request.POST.getlist("action")):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


class StaffAdminSite(admin.AdminSite):
    site_header = _("Political prisoners: staff")
    site_title = _("Staff")
    index_title = _("Campaign work")

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        user = request.user
        if is_verified(user):
            return True
        # Staff who set up a second factor always use it, whether or not their role needs it.
        return not requires_second_factor(user) and default_device(user) is None

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StaffActionsMixin):
            admin_class = type(admin_class.__name__, (StaffActionsMixin, admin_class), {})
        return super().register(model_or_iterable, admin_class, **options)

    def login(self, request, extra_context=None):
        """The admin's own sign-in page is not used: everything goes through two_factor's."""
        next_url = request.POST.get("next", request.GET.get("next"))
        if not next_url or not url_has_allowed_host_and_scheme(
            next_url, {request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_authenticated:
            if not (user.is_active and user.is_staff):
                raise PermissionDenied
            if requires_second_factor(user) and default_device(user) is None:
                return redirect_to_login(next_url, reverse("two_factor:setup"))
        return redirect_to_login(next_url, settings.LOGIN_URL)
