"""Certificates on the public site: anyone verifies a code (or an uploaded PDF); holders download theirs."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from .. import certificates

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PDF_CONTENT_TYPES = {"application/pdf", "application/x-pdf", "application/octet-stream"}


class CertificateUploadForm(forms.Form):
    pdf = forms.FileField(
        label="Certificate PDF",
        help_text="The PDF you were given (at most 10 MB). It is checked and discarded, never stored.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("That file is larger than 10 MB; certificates are much smaller.")
        if upload.content_type not in PDF_CONTENT_TYPES or upload.read(5) != b"%PDF-":
            raise forms.ValidationError("That file is not a PDF.")
        upload.seek(0)
        return upload


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _over_limit(request: HttpRequest) -> bool:
    rates = getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMITS", ("30/m", "300/h"))
    return any(
        is_ratelimited(request, group=f"certificate-verify:{index}", key="ip", rate=rate, increment=True)
        for index, rate in enumerate(rates)
    )


@require_http_methods(["GET"])
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """A form to type a certificate number; sends the visitor to its verification page."""
    code = request.GET.get("code", "").strip().upper()
    if code:
        return redirect("certificate_verify", code=code)
    return render(request, "registry/certificates/lookup.html")


@require_http_methods(["GET", "POST"])
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what was issued under this code, and whether an uploaded PDF is that certificate."""
    if _over_limit(request):
        return render(request, "429.html", status=429)
    certificate = certificates.certificate_for_verification(code)
    if certificate is None:
        return render(request, "registry/certificates/verify_not_found.html", {"code": code}, status=404)
    form = CertificateUploadForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        matches = bool(certificate.sha256) and _sha256(form.cleaned_data["pdf"]) == certificate.sha256
        outcome = "revoked" if matches and not certificate.is_valid else ("match" if matches else "mismatch")
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request,
        "registry/certificates/verify.html",
        {"certificate": certificate, "form": form, "outcome": outcome},
        status=status,
    )


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    rows = certificates.certificates_of(request.user)
    return render(request, "registry/certificates/mine.html", {"certificates": rows})


@login_required
def certificate_download(request: HttpRequest, code: str) -> FileResponse:
    """The holder's own, still valid certificate; anyone else gets a 404, not a hint that it exists."""
    certificate = get_object_or_404(certificates.certificates_of(request.user), code=code, revoked_at__isnull=True)
    if not certificate.pdf:
        raise Http404("This certificate's PDF is not ready yet.")
    return FileResponse(certificate.pdf.open("rb"), as_attachment=True, filename=f"certificate-{certificate.code}.pdf")
