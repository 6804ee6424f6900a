"""User and office administration for Administrators (Django admin).

Users are never deleted, only deactivated; every change lands in the user's
history with its reason (role changes, MFA resets, unlocks), shown in words as every History
of the site (admin_widgets.HistoryAdmin). A sign-in adds no version (User.save).
"""

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.mfa import has_mfa
from accounts.models import Office, PendingRoleGrant, User
from accounts.roles import ROLE_POWERS, Role, role_change_sentence, role_change_words
from accounts.services import PRIVILEGED_ROLES, roles_of
from accounts.signals import open_work_asked
from dmvrequests.admin_widgets import ADMIN_DATETIME, HistoryAdmin


def open_work_of(user, roles_lost):
    """[(label, url)] of the open work `user` holds in the roles they lose (their open
    assigned cases, for counsel), from the apps that answer `open_work_asked`."""
    if not roles_lost:
        return []
    answers = open_work_asked.send(sender=User, user=user, roles_lost=roles_lost)
    # Each receiver answers a list of (label, url) (the stubs type the answers loosely).
    return [item for _, items in answers for item in cast(list[tuple[str, str]], items)]


class RoleFormMixin(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, help_text="What the user may do; one role each.")


class UserCreateForm(RoleFormMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "office", "title")


class UserChangeForm(RoleFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email", "office", "title")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = [r for r in Role.values if r in self.instance.role_names]
        if current:
            self.fields["role"].initial = current[0]


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreateForm
    list_display = [
        "username",
        "full_name",
        "office",
        "role_name",
        "is_active",
        "mfa_enrolled",
    ]
    list_filter = ["is_active", "office", "groups"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    actions = ["deactivate", "reactivate", "reset_mfa", "unlock"]
    fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "title")}),
        ("Office and role", {"fields": ("office", "role")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "first_name", "last_name", "email", "title")}),
        ("Office and role", {"fields": ("office", "role")}),
        ("Password", {"fields": ("password1", "password2")}),
    )
    readonly_fields = ()

    def get_queryset(self, request):
        # An agency officer's account (the portal's `officer` link) has no staff role: the
        # list says so instead of "No role" (one query with the page, not one per row).
        return (
            super()
            .get_queryset(request)
            .select_related("office")
            .prefetch_related("groups")
            .annotate(
                portal_officer=Exists(User.objects.filter(pk=OuterRef("pk"), officer__isnull=False))
            )
        )

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description="Role")
    def role_name(self, user):
        if getattr(user, "portal_officer", False):
            return "Agency officer (see Portal officers)"
        return user.role_label

    @admin.display(boolean=True, description="MFA")
    def mfa_enrolled(self, user):
        return has_mfa(user)

    def has_delete_permission(self, request, obj=None):
        return False

    # The name of the hidden field the role-change confirmation page adds to the form.
    ROLE_CONFIRMED = "_role_change_confirmed"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A change of role asks first: the page says what changes, from → to, and posts
        the same form again, confirmed. Saving with the same role does not ask."""
        if (
            request.method == "POST"
            and object_id
            and request.POST.get(self.ROLE_CONFIRMED) != "yes"
        ):
            confirm = self._role_change_confirmation(request, object_id)
            if confirm is not None:
                return confirm
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _role_change_confirmation(self, request, object_id):
        user = self.get_object(request, object_id)
        if user is None or not self.has_change_permission(request, user):
            return None
        form = self.get_form(request, user, change=True)(request.POST, instance=user)
        if not form.is_valid():
            return None  # the form's own errors, shown by the admin as usual
        previous = [r for r in Role.values if r in User.objects.get(pk=user.pk).role_names]
        role = form.cleaned_data["role"]
        if previous == [role]:
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Change this role?",
            "opts": self.model._meta,
            "account": user,
            "change_verb": role_change_words(user.get_username(), previous, role, mood="ask"),
            "before": [(r, ROLE_POWERS[Role(r)]) for r in previous],
            "after": (role, ROLE_POWERS[role]),
            "fields": [
                (name, value)
                for name, values in request.POST.lists()
                # The token comes anew, the admin's buttons from the confirming one.
                if name not in ("csrfmiddlewaretoken", "_save", "_continue", "_addanother")
                for value in values
            ],
            "confirmed_name": self.ROLE_CONFIRMED,
            "waits": settings.ROLE_GRANT_REQUIRES_SECOND_ADMIN and role in PRIVILEGED_ROLES,
            "open_work": open_work_of(user, [r for r in previous if r != role]),
        }
        return TemplateResponse(request, "admin/accounts/user/confirm_role_change.html", context)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        role = form.cleaned_data["role"]
        if change:
            previous = roles_of(obj)
            services.user_set_role(user=obj, role=role, actor=request.user, request=request)
            if getattr(obj, "pending_grant", None) is None and previous != [role]:
                request._role_change_done = role_change_sentence(obj, previous, role)
        else:
            services.user_created(user=obj, role=role, actor=request.user, request=request)
        if getattr(obj, "pending_grant", None) is not None:
            self.message_user(
                request,
                f"The {role} role waits for another administrator's approval "
                "(Role grants waiting); until then the account keeps its current role.",
                messages.WARNING,
            )

    def message_user(self, request, message, *args, **kwargs):
        """After a role change, the words of what changed instead of Django's generic
        "was changed successfully"."""
        done = getattr(request, "_role_change_done", "")
        if done and "was changed successfully" in str(message):
            message = done
        super().message_user(request, message, *args, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        """Django's set-password form; a password set this way is an account event."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, id)
            if user is not None:  # None only if deleted meanwhile
                services.user_password_set(user=user, actor=request.user, request=request)
        return response

    def save_related(self, request, form, formsets, change):
        # Groups are set by user_set_role, not by the form.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _each(self, request, queryset, service, done):
        acted = []
        for user in queryset:
            if user == request.user and service is services.user_deactivate:
                self.message_user(request, "You cannot deactivate yourself.", messages.ERROR)
                continue
            service(user=user, actor=request.user, request=request)
            acted.append(user.get_full_name() or user.username)
        if acted:
            self.message_user(request, f"{done}: {', '.join(acted)}.")

    def _confirmed(self, request, queryset, action, what):
        """Acts that lock a person out ask first, like Django's own "delete selected":
        the first POST shows what will happen to whom; the second, confirmed, acts."""
        if request.POST.get("confirmed") == "yes":
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Are you sure?",
            "opts": self.model._meta,
            "users": list(queryset),
            "action": action,
            "what": what,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/accounts/user/confirm_action.html", context)

    @admin.action(description="Deactivate (the user can no longer sign in)")
    def deactivate(self, request, queryset):
        confirm = self._confirmed(
            request,
            queryset,
            "deactivate",
            "They can no longer sign in. Nothing they did is deleted; reactivate them to undo.",
        )
        if confirm:
            return confirm
        self._each(request, queryset, services.user_deactivate, "Deactivated")

    @admin.action(description="Reactivate")
    def reactivate(self, request, queryset):
        self._each(request, queryset, services.user_reactivate, "Reactivated")

    @admin.action(description="Reset multi-factor sign-in (the user enrols again)")
    def reset_mfa(self, request, queryset):
        confirm = self._confirmed(
            request,
            queryset,
            "reset_mfa",
            "Their authenticator app and backup codes stop working; they set up a new app "
            "at their next sign-in.",
        )
        if confirm:
            return confirm
        self._each(
            request,
            queryset,
            services.user_reset_mfa,
            "Multi-factor sign-in reset (they enrol again at their next sign-in)",
        )

    @admin.action(description="Unlock after failed sign-ins")
    def unlock(self, request, queryset):
        self._each(request, queryset, services.user_unlock, "Unlocked")


@admin.register(Office)
class OfficeAdmin(HistoryAdmin):
    list_display = ["name", "code", "email"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingRoleGrant)
class PendingRoleGrantAdmin(HistoryAdmin):
    """Read-only here: grants are decided on the Role grants page (accounts:role_grants)."""

    list_display = ["user", "role", "requested_by", "requested_at", "status", "decided_by"]
    list_filter = ["status", "role"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# django-otp's own pages of the devices, with one labelled input for their date and time (its
# throttling time) as on every page of the administration site (dmvrequests/admin_widgets.py).
class LabelledTOTPDeviceAdmin(TOTPDeviceAdmin):
    formfield_overrides = ADMIN_DATETIME


class LabelledStaticDeviceAdmin(StaticDeviceAdmin):
    formfield_overrides = ADMIN_DATETIME


for _model, _admin in (
    (TOTPDevice, LabelledTOTPDeviceAdmin),
    (StaticDevice, LabelledStaticDeviceAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)
