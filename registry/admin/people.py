from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .. import resources, services
from ..models import Facility, Membership, MentorProfile, Organization, StudentProfile, User, Venue
from ..services.invitations import users_invite
from .imports import CheckedImportMixin


class HistoryImportExportAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """History (who changed what, revert) plus CSV/XLSX import and export with a dry-run preview."""


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(CheckedImportMixin, DjangoUserAdmin, SimpleHistoryAdmin):
    resource_classes = [resources.PersonResource]
    import_permissions = ("registry.add_user", "registry.change_user")
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role_names", "is_staff", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "groups", "memberships__organization"]
    search_fields = ["email", "first_name", "last_name", "student_profile__usn", "mentor_profile__employee_id"]
    date_hierarchy = "date_joined"
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    actions = ["unlock", "disable", "enable", "reset_otp", "send_password_reset"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "phone")}),
        ("Roles and access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def role_names(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    @admin.action(description="Unlock selected accounts (clear failed sign-ins)", permissions=["change"])
    def unlock(self, request, queryset):
        cleared = sum(services.user_unlock(user=user) for user in queryset)
        self.message_user(request, f"Unlocked {queryset.count()} account(s); cleared {cleared} lockout record(s).")

    @admin.action(description="Disable selected accounts", permissions=["change"])
    def disable(self, request, queryset):
        count = services.users_set_active(users=queryset.exclude(pk=request.user.pk), active=False)
        self.message_user(request, ngettext("%d account disabled.", "%d accounts disabled.", count) % count)

    @admin.action(description="Enable selected accounts", permissions=["change"])
    def enable(self, request, queryset):
        count = services.users_set_active(users=queryset, active=True)
        self.message_user(request, ngettext("%d account enabled.", "%d accounts enabled.", count) % count)

    @admin.action(description="Reset two-step verification (re-enroll at next sign-in)", permissions=["change"])
    def reset_otp(self, request, queryset):
        for user in queryset:
            services.user_otp_reset(user=user)
        self.message_user(request, f"Two-step verification reset for {queryset.count()} account(s).", messages.WARNING)

    @admin.action(description="Email a link to set a new password", permissions=["change"])
    def send_password_reset(self, request, queryset):
        user_ids = list(queryset.filter(is_active=True).values_list("pk", flat=True))
        users_invite(user_ids=user_ids, kind="password_reset")
        self.message_user(request, f"A set-password link is on its way to {len(user_ids)} active account(s).")


@admin.register(Organization)
class OrganizationAdmin(HistoryImportExportAdmin):
    resource_classes = [resources.OrganizationResource]
    list_display = ["name", "kind", "email", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "joined_on"]
    list_filter = ["role", "organization__kind", "organization"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(StudentProfile)
class StudentProfileAdmin(CheckedImportMixin, SimpleHistoryAdmin):
    resource_classes = [resources.MenteeAssignmentResource]
    import_permissions = ("registry.change_studentprofile", "registry.add_studentprofile")
    list_display = ["user", "usn", "department", "semester", "mentor"]
    list_filter = ["department", "semester"]
    search_fields = ["usn", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "mentor", "department"]
    list_select_related = ["user", "department", "mentor"]


@admin.register(MentorProfile)
class MentorProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "employee_id", "department", "designation"]
    list_filter = ["department"]
    search_fields = ["employee_id", "user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user", "department"]
    list_select_related = ["user", "department"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Venue)
class VenueAdmin(HistoryImportExportAdmin):
    resource_classes = [resources.VenueResource]
    list_display = ["name", "code", "capacity", "building", "is_active"]
    list_filter = ["is_active", "building", "facilities"]
    search_fields = ["name", "code", "building", "location"]
    filter_horizontal = ["facilities"]
    prepopulated_fields = {"code": ["name"]}
