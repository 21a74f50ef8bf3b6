"""Back office for certificates: templates (versions, revert, sample preview), issuing with progress, revocation."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from unfold.admin import ModelAdmin

from .. import certificates
from ..models import Certificate, CertificateBatch, CertificateTemplate, EventRecord, Role
from ..roles import grant
from ..selectors import scope_to_organizations
from ..services import DomainError
from ..services import certificates as certificate_services
from .base import ReadOnlyAdmin, ServiceAdmin

grant(
    Role.STAFF_ADMIN,
    "registry.add_certificatetemplate",
    "registry.change_certificatetemplate",
    "registry.view_certificatetemplate",
    "registry.change_certificate",
    "registry.view_certificate",
    "registry.add_certificatebatch",
    "registry.view_certificatebatch",
)
grant(Role.ORGANIZER, "registry.view_certificate", "registry.add_certificatebatch", "registry.view_certificatebatch")


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = ["name", "html", "css", "background"]
        help_texts = {
            "html": f"A Django template for one certificate. Placeholders: {certificates.PLACEHOLDERS}.",
            "css": "Set the page with @page { size: A4 landscape; margin: 0 }. Fonts: DejaVu Serif / Sans.",
            "background": "Optional; drawn under the whole page.",
        }
        widgets = {"html": forms.Textarea(attrs={"rows": 24}), "css": forms.Textarea(attrs={"rows": 24})}

    def clean_html(self):
        html = self.cleaned_data["html"]
        try:
            certificates.compile_template(html)
        except certificates.CertificateRenderError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return html


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(ServiceAdmin):
    """Each save is a version in History, where it can be compared with the one before."""

    form = CertificateTemplateForm
    list_display = ["name", "is_default", "updated_at", "preview_link"]
    search_fields = ["name"]
    actions = ["make_default"]

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", preview, name="registry_certificatetemplate_preview"), *super().get_urls()]

    def preview_view(self, request, pk: int) -> HttpResponse:
        template = get_object_or_404(CertificateTemplate, pk=pk)
        if not self.has_view_or_change_permission(request, template):
            raise PermissionDenied
        try:
            pdf = certificates.render_sample(template)
        except certificates.CertificateRenderError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:registry_certificatetemplate_change", pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="preview-{template.pk}.pdf"'
        return response

    @admin.display(description="Preview")
    def preview_link(self, obj):
        url = reverse("admin:registry_certificatetemplate_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">Sample PDF</a>', url)

    @admin.action(description="Use as the default template for new certificates", permissions=["change"])
    def make_default(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose exactly one template.", messages.WARNING)
            return
        template = certificate_services.certificate_template_set_default(template=queryset.get(), actor=request.user)
        self.message_user(request, f"New certificates will use “{template}”.")


class CertificateStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("issued", "Issued (valid)"), ("revoked", "Revoked")]

    def queryset(self, request, queryset):
        if self.value() == "issued":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown on the public verification page."
    )


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """Issued certificates are a record: nothing is edited here; revoking is an action with a reason."""

    list_display = ["holder_name", "event_title", "code", "issued_at", "status", "pdf_link"]
    list_filter = [CertificateStatusFilter, "event_title", ("issued_at", admin.DateFieldListFilter), "credit_category"]
    search_fields = ["code", "holder_name", "registration__email", "event_title"]
    date_hierarchy = "issued_at"
    list_select_related = ["registration"]
    exclude = ["pdf"]  # shown as `pdf_link`: the file has no public URL
    readonly_fields = [field.name for field in Certificate._meta.fields if field.name != "pdf"] + ["pdf_link"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return scope_to_organizations(
            super().get_queryset(request), request.user, "registration__page__event_record__organization"
        )

    def get_urls(self):
        pdf = path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="registry_certificate_pdf")
        return [pdf, *super().get_urls()]

    def pdf_view(self, request, pk: int) -> FileResponse:
        """The issued PDF, for staff who may see this certificate (their organizations' only)."""
        certificate = get_object_or_404(self.get_queryset(request).exclude(pdf=""), pk=pk)
        if not self.has_view_permission(request, certificate):
            raise PermissionDenied
        return FileResponse(certificate.pdf.open("rb"), filename=f"certificate-{certificate.code}.pdf")

    def has_revoke_permission(self, request):
        return request.user.has_perm("registry.change_certificate")

    @admin.display(description="Status", ordering="revoked_at")
    def status(self, obj):
        return "Valid" if obj.is_valid else f"Revoked {obj.revoked_at:%d %b %Y}"

    @admin.display(description="PDF")
    def pdf_link(self, obj):
        if not obj.pdf:
            return "—"
        return format_html('<a href="{}">PDF</a>', reverse("admin:registry_certificate_pdf", args=[obj.pk]))

    @admin.action(description="Revoke selected certificates…", permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            revoked = 0
            for certificate in queryset:
                try:
                    certificate_services.certificate_revoke(
                        certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    revoked += 1
                except DomainError as exc:
                    self.message_user(request, str(exc), messages.WARNING)
            self.message_user(request, f"Revoked {revoked} certificate(s).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Revoke certificates",
            "opts": self.model._meta,
            "certificates": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/registry/certificate/revoke.html", context)


class IssueForm(forms.Form):
    event = forms.ModelChoiceField(queryset=EventRecord.objects.none(), help_text="Events that have started.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        events = EventRecord.objects.filter(is_cancelled=False, starts_at__lte=timezone.now()).order_by("-starts_at")
        self.fields["event"].queryset = scope_to_organizations(events, user, "organization")


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ModelAdmin):
    """ "Add" issues certificates for an event; each batch opens on its live progress page."""

    list_display = ["__str__", "event", "status", "progress", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["page__title"]
    list_select_related = ["page", "requested_by"]
    readonly_fields = [field.name for field in CertificateBatch._meta.fields]

    def get_queryset(self, request):
        return scope_to_organizations(super().get_queryset(request), request.user, "page__event_record__organization")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="registry_certificatebatch_progress"),
            path("<int:pk>/progress.json", view(self.progress_json), name="registry_certificatebatch_progress_json"),
            path("<int:pk>/resume/", view(self.resume_view), name="registry_certificatebatch_resume"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Issue certificates for everyone eligible at one event who has none yet."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"event": request.GET.get("event")}
        form = IssueForm(request.POST or None, user=request.user, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                batch = certificate_services.certificate_batch_start(
                    page_id=form.cleaned_data["event"].page_id, actor=request.user
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("admin:registry_certificatebatch_progress", batch.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Issue certificates",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/registry/certificatebatch/issue.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:registry_certificatebatch_progress", object_id)

    def _batch(self, request, pk: int) -> CertificateBatch:
        batch = get_object_or_404(self.get_queryset(request).select_related("page"), pk=pk)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        return batch

    def progress_view(self, request, pk: int):
        batch = self._batch(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Certificates for {batch.page.title}",
            "opts": self.model._meta,
            "batch": batch,
            "progress": certificates.batch_progress(batch),
            "can_resume": self.has_add_permission(request),
            "certificates_url": reverse("admin:registry_certificate_changelist")
            + "?"
            + urlencode({"event_title": batch.page.title}),
        }
        return TemplateResponse(request, "admin/registry/certificatebatch/progress.html", context)

    def progress_json(self, request, pk: int) -> JsonResponse:
        return JsonResponse(certificates.batch_progress(self._batch(request, pk)))

    def resume_view(self, request, pk: int):
        """Run a failed or stalled batch again; the service decides whether it may run and who may ask."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        batch = self._batch(request, pk)
        try:
            certificate_services.certificate_batch_resume(batch=batch, actor=request.user)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, "Resumed: it issues the certificates still missing.")
        return redirect("admin:registry_certificatebatch_progress", batch.pk)

    @admin.display(description="Event", ordering="page__title")
    def event(self, obj):
        return obj.page.title

    @admin.display(description="Progress")
    def progress(self, obj):
        url = reverse("admin:registry_certificatebatch_progress", args=[obj.pk])
        return format_html(
            '<a href="{}"><progress max="{}" value="{}"></progress> {}/{}</a>',
            url,
            obj.total or 1,
            obj.done,
            obj.done,
            obj.total,
        )
