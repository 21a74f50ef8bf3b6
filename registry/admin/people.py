from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from unfold.admin import TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from .. import resources, services
from ..models import Facility, Membership, MentorProfile, Organization, StudentProfile, User, Venue
from ..selectors import managed_organization_ids, people_visible_to, scope_to_organizations, sees_everything
from ..services import people as people_services
from ..services.invitations import users_invite
from .base import ServiceAdmin
from .imports import BoundedImportMixin, CheckedImportMixin
from .messages import log_link


class HistoryImportExportAdmin(BoundedImportMixin, ImportExportModelAdmin, ServiceAdmin):
    """History (who changed what, read-only) plus CSV/XLSX import and export with a dry-run preview."""


class MembershipInline(TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]

    def get_queryset(self, request):
        return scope_to_organizations(super().get_queryset(request), request.user, "organization")


class MembershipsThroughService:
    """Membership rows edited inline are saved and removed by the membership service."""

    def save_inline(self, request, obj, parent, change):
        if isinstance(obj, Membership):
            people_services.membership_save(actor=request.user, membership=obj)
        else:
            super().save_inline(request, obj, parent, change)

    def delete_inline(self, request, obj, parent):
        if isinstance(obj, Membership):
            people_services.membership_remove(actor=request.user, membership=obj)
        else:
            super().delete_inline(request, obj, parent)


@admin.register(User)
class UserAdmin(MembershipsThroughService, CheckedImportMixin, DjangoUserAdmin, ServiceAdmin):
    resource_classes = [resources.PersonResource]
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    import_permissions = ("registry.add_user", "registry.change_user")
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role_names", "is_staff", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "groups", "memberships__organization"]
    search_fields = ["email", "first_name", "last_name", "student_profile__usn", "mentor_profile__employee_id"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined", "messages_sent"]
    inlines = [MembershipInline]
    actions = ["unlock", "disable", "enable", "reset_otp", "send_password_reset"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone")}),
        ("Roles and access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
        ("Messages", {"fields": ("messages_sent",)}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        return people_visible_to(request.user).prefetch_related("groups")

    def has_change_permission(self, request, obj=None):
        """A superuser's account is changed by superusers only (their password included)."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_record(self, request, obj, form, change):
        data = form.cleaned_data
        people_services.user_save(
            actor=request.user, user=obj, groups=data.get("groups"), user_permissions=data.get("user_permissions")
        )

    def save_related(self, request, form, formsets, change):
        """Groups and single permissions were saved by the service with the person; inlines go row by row."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, id)
        if user is not None:
            try:
                people_services.require_may_change_person(request.user, user)
            except services.DomainError as error:
                raise PermissionDenied(str(error)) from error
        return super().user_change_password(request, id, form_url)

    @admin.display(description="Sent to this person")
    def messages_sent(self, obj: User) -> str:
        return log_link(f"{obj.messages.count()} message(s): emails and notices", recipient__id__exact=obj.pk)

    @admin.display(description="Roles")
    def role_names(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    @admin.action(description="Unlock selected accounts (clear failed sign-ins)", permissions=["change"])
    def unlock(self, request, queryset):
        cleared = sum(services.user_unlock(actor=request.user, user=user) for user in queryset)
        self.message_user(request, f"Unlocked {queryset.count()} account(s); cleared {cleared} lockout record(s).")

    @admin.action(description="Disable selected accounts", permissions=["change"])
    def disable(self, request, queryset):
        count = services.users_set_active(actor=request.user, users=queryset, active=False)
        self.message_user(request, ngettext("%d account disabled.", "%d accounts disabled.", count) % count)

    @admin.action(description="Enable selected accounts", permissions=["change"])
    def enable(self, request, queryset):
        count = services.users_set_active(actor=request.user, users=queryset, active=True)
        self.message_user(request, ngettext("%d account enabled.", "%d accounts enabled.", count) % count)

    @admin.action(description="Reset two-step verification (re-enroll at next sign-in)", permissions=["change"])
    def reset_otp(self, request, queryset):
        for user in queryset:
            services.user_otp_reset(actor=request.user, user=user)
        self.message_user(request, f"Two-step verification reset for {queryset.count()} account(s).", messages.WARNING)

    @admin.action(description="Email a link to set a new password", permissions=["change"])
    def send_password_reset(self, request, queryset):
        user_ids = list(queryset.filter(is_active=True).values_list("pk", flat=True))
        users_invite(actor=request.user, user_ids=user_ids, kind="password_reset")
        self.message_user(request, f"A set-password link is on its way to {len(user_ids)} active account(s).")


@admin.register(Organization)
class OrganizationAdmin(MembershipsThroughService, HistoryImportExportAdmin):
    resource_classes = [resources.OrganizationResource]
    list_display = ["name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def get_queryset(self, request):
        organizations = super().get_queryset(request)
        if sees_everything(request.user):
            return organizations
        return organizations.filter(pk__in=managed_organization_ids(request.user))


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    list_display = ["user", "organization", "role", "joined_on"]
    list_filter = ["role", "organization__kind", "organization"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]

    def get_queryset(self, request):
        return scope_to_organizations(super().get_queryset(request), request.user, "organization")

    def save_record(self, request, obj, form, change):
        people_services.membership_save(actor=request.user, membership=obj)

    def delete_record(self, request, obj):
        people_services.membership_remove(actor=request.user, membership=obj)


class ProfilesOfVisiblePeople:
    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=people_visible_to(request.user))


@admin.register(StudentProfile)
class StudentProfileAdmin(ProfilesOfVisiblePeople, CheckedImportMixin, ServiceAdmin):
    resource_classes = [resources.MenteeAssignmentResource]
    import_permissions = ("registry.change_studentprofile", "registry.add_studentprofile")
    list_display = ["user", "usn", "department", "semester", "mentor"]
    list_filter = ["department", "semester"]
    search_fields = ["usn", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "mentor", "department"]
    list_select_related = ["user", "department", "mentor"]

    def save_record(self, request, obj, form, change):
        people_services.student_profile_save(actor=request.user, profile=obj)


@admin.register(MentorProfile)
class MentorProfileAdmin(ProfilesOfVisiblePeople, ServiceAdmin):
    list_display = ["user", "employee_id", "department", "designation"]
    list_filter = ["department"]
    search_fields = ["employee_id", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "department"]
    list_select_related = ["user", "department"]


@admin.register(Facility)
class FacilityAdmin(ServiceAdmin):
    search_fields = ["name"]


@admin.register(Venue)
class VenueAdmin(HistoryImportExportAdmin):
    resource_classes = [resources.VenueResource]
    list_display = ["name", "code", "capacity", "building", "is_active"]
    list_filter = ["is_active", "building", "facilities"]
    search_fields = ["name", "code", "building", "location"]
    filter_horizontal = ["facilities"]
    prepopulated_fields = {"code": ["name"]}
