"""What every back-office screen shares: writes go through a service that checks the acting person, and history
is for reading.

`ServiceAdmin` sends the change form, inlines and deletions through `save_record` / `delete_record` (reference
data by default: `services.records`; models with rules override them with their own service). A refusal
(`DomainError`) re-renders the form with the person's input and the reason, having written nothing. History
pages list and compare versions of objects the person may see in this admin — never more, and never a form.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

from ..services import DomainError
from ..services import records as record_services

REFUSAL = "_service_refusal"


class ServiceForm:
    """Mixed into the admin's form class: a service's refusal becomes the form's own error on the second pass."""

    def clean(self):
        cleaned = super().clean()
        refusal = getattr(self.request, REFUSAL, None) if hasattr(self, "request") else None
        if refusal:
            self.add_error(None, refusal)
        return cleaned


class ServiceAdmin(SimpleHistoryAdmin, ModelAdmin):
    """A ModelAdmin (unfold's) whose writes are service calls and whose history is read-only and scoped."""

    object_history_form_template = "admin/history_version.html"

    # --- writes ------------------------------------------------------------

    def save_record(self, request, obj, form, change: bool) -> None:
        record_services.record_save(actor=request.user, record=obj)

    def delete_record(self, request, obj) -> None:
        record_services.record_delete(actor=request.user, record=obj)

    def save_inline(self, request, obj, parent, change: bool) -> None:
        record_services.record_save(actor=request.user, record=obj)

    def delete_inline(self, request, obj, parent) -> None:
        record_services.record_delete(actor=request.user, record=obj)

    def save_model(self, request, obj, form, change):
        self.save_record(request, obj, form, change)

    def delete_model(self, request, obj):
        self.delete_record(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_record(request, obj)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            self.save_inline(request, obj, form.instance, change)
        for obj in formset.deleted_objects:
            self.delete_inline(request, obj, form.instance)
        formset.save_m2m()

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        form = type(form_class.__name__, (ServiceForm, form_class), {"request": request})
        return form

    def _changeform_view(self, request, object_id, form_url, extra_context):
        """On a refusal, nothing is kept and the same form comes back with the person's input and the reason."""
        if request.method != "POST":
            return super()._changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic():
                return super()._changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            setattr(request, REFUSAL, str(error))
            return super()._changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def response_action(self, request, queryset):
        try:
            with transaction.atomic():
                return super().response_action(request, queryset)
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- history -----------------------------------------------------------

    def revert_disabled(self, request, obj=None):
        return True

    def _visible_object(self, request, object_id):
        """The object as this admin shows it to this person: 403 without the permission to see such objects, 404
        for one outside their organizations — history never reaches past the admin's own scope."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if obj is None:
            raise Http404("Nothing here, or nothing you may see.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._visible_object(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One version as read-only values beside the version before it; there is no form to post."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET"])
        obj = self._visible_object(request, object_id)
        versions = obj.history.order_by("-history_date", "-history_id")
        version = versions.filter(history_id=unquote(version_id)).first()
        if version is None:
            raise Http404("No such version.")
        previous = version.prev_record
        changed = set(version.diff_against(previous).changed_fields) if previous is not None else set()
        fields = [f for f in version.tracked_fields if f.editable and f.name in self._history_field_names()]
        rows = [
            {
                "label": capfirst(field.verbose_name),
                "value": _shown(version, field),
                "before": _shown(previous, field) if previous is not None else "",
                "changed": field.name in changed,
            }
            for field in fields
        ]
        opts = self.opts
        context = {
            **self.admin_site.each_context(request),
            "title": f"{obj} as it was on {version.history_date:%d %b %Y at %H:%M}",
            "opts": opts,
            "original": obj,
            "version": version,
            "previous": previous,
            "rows": rows,
            "history_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.object_history_form_template, context)

    def _history_field_names(self) -> set[str]:
        """The fields this admin shows for an object, so a version page reveals no more than its change page."""
        if self.fieldsets:
            return {name for _, options in self.fieldsets for name in _flatten(options.get("fields", ()))}
        if self.fields:
            return set(_flatten(self.fields))
        excluded = set(self.exclude or ())
        return {field.name for field in self.opts.concrete_fields if field.name not in excluded}


def _flatten(names) -> list[str]:
    flat = []
    for name in names:
        flat.extend(_flatten(name) if isinstance(name, list | tuple) else [name])
    return flat


def _shown(version, field) -> str:
    """A field's value as a person reads it: choices by their label, relations by their name."""
    if version is None:
        return ""
    if field.choices:
        return str(getattr(version, f"get_{field.name}_display")())
    if field.is_relation:
        related_id = getattr(version, field.attname)
        if related_id is None:
            return "—"
        related = field.related_model._default_manager.filter(pk=related_id).first()
        return str(related) if related is not None else f"(deleted, #{related_id})"
    value = getattr(version, field.attname)
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


class KeptByServices:
    """Mixed into the admin of records their services keep (decisions, check-ins, issued certificates, seats):
    listed and read here, never added, edited or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(KeptByServices, ServiceAdmin):
    """Such records with their history."""
