"""Certificates: rendering to PDF with WeasyPrint, and the reads their pages need.

WeasyPrint spends most of its time laying out and subsetting fonts, so a batch
of certificates is laid out and written as ONE document (a page per holder),
then split by page (pikepdf) into a PDF per holder: several times faster than
one document per certificate; big batches spread over several processes.
Templates may fetch nothing but `data:` URIs (no files, no network).
"""

import base64
import hashlib
import io
import logging
import mimetypes
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

import django
import qrcode
from django.conf import settings
from django.db.models import Q, QuerySet
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import dateformat, timezone

from .models import Certificate, CertificateBatch, CertificateTemplate, EventRecord, Registration
from .selectors import eligible_registrations

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "registry" / "certificates"
PAGE_ID_PREFIX = "convene-certificate-"
# Page breaks between holders; the template's own CSS comes after and styles everything else.
FRAME_CSS = f"body {{ margin: 0; }} [id^='{PAGE_ID_PREFIX}'] {{ break-after: page; }}"
PLACEHOLDERS = (
    "name, event, dates, starts, ends, credits, category, issuer, signatory, signatory_title, signature "
    "(image data URI or empty), verify_url, qr (image data URI for <img src>), code, issued_on"
)
# WeasyPrint logs every layout step at INFO (for thousands of pages, noise and measurable time); pikepdf its start.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("pikepdf._core").setLevel(logging.WARNING)


@dataclass(frozen=True)
class CertificateData:
    """What one certificate says; plain data, so rendering needs no database."""

    code: str
    name: str
    event: str
    starts: datetime
    ends: datetime
    issuer: str
    issued_on: date
    credits: int = 0
    category: str = ""


@dataclass(frozen=True)
class RenderedCertificate:
    code: str
    pdf: bytes
    sha256: str


class CertificateRenderError(Exception):
    """The template could not be rendered; the message names the problem."""


# cms supplies the signatory (name, title, signature image) from its site settings.
_signatory_providers: list[Callable[[], dict]] = []


def register_signatory_provider(provider: Callable[[], dict]) -> None:
    _signatory_providers.append(provider)


def signatory_details() -> dict:
    details = {"signatory": "", "signatory_title": "", "signature": ""}
    for provider in _signatory_providers:
        details.update(provider())
    return details


def default_template_source() -> tuple[str, str]:
    """The built-in design's HTML and CSS (also what the data migration installs)."""
    return (
        (DEFAULT_TEMPLATE_DIR / "default_certificate.html").read_text().strip(),
        (DEFAULT_TEMPLATE_DIR / "default_certificate.css").read_text().strip(),
    )


def verify_url(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('certificate_verify', args=[code])}"


def qr_data_uri(text: str) -> str:
    """A small PNG QR code. A fixed mask skips qrcode's mask search, which costs ~10 ms a code."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2, mask_pattern=0)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def file_data_uri(field) -> str:
    """An image field's file as a data URI (any storage backend), or "" when empty."""
    if not field:
        return ""
    with field.open("rb") as handle:
        content = handle.read()
    mimetype = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    return f"data:{mimetype};base64,{base64.b64encode(content).decode()}"


def date_range(starts: datetime, ends: datetime) -> str:
    """ "12 March 2026", "12–14 March 2026", "28 February – 2 March 2026" in the site's time zone."""
    first, last = timezone.localtime(starts).date(), timezone.localtime(ends).date()
    if first == last:
        return dateformat.format(first, "j F Y")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{dateformat.format(last, 'j F Y')}"
    if first.year == last.year:
        return f"{dateformat.format(first, 'j F')} – {dateformat.format(last, 'j F Y')}"
    return f"{dateformat.format(first, 'j F Y')} – {dateformat.format(last, 'j F Y')}"


def compile_template(html: str) -> Template:
    try:
        return Template(html)
    except TemplateSyntaxError as exc:
        raise CertificateRenderError(f"The certificate template has an error: {exc}") from exc


def _context(item: CertificateData, signatory: dict) -> Context:
    url = verify_url(item.code)
    return Context(
        {
            **signatory,
            "name": item.name,
            "event": item.event,
            "dates": date_range(item.starts, item.ends),
            "starts": item.starts,
            "ends": item.ends,
            "credits": item.credits,
            "category": item.category,
            "issuer": item.issuer,
            "issued_on": item.issued_on,
            "code": item.code,
            "verify_url": url,
            "qr": qr_data_uri(url),
        }
    )


@dataclass(frozen=True)
class TemplateSource:
    """A template's HTML, CSS and background as plain strings, ready to hand to a render process."""

    html: str
    css: str
    background: str = ""

    @classmethod
    def of(cls, template: CertificateTemplate) -> "TemplateSource":
        return cls(html=template.html, css=template.css, background=file_data_uri(template.background))


def _document_html(source: TemplateSource, sections: list[str]) -> str:
    page_background = (
        f'@page {{ background: url("{source.background}") center / cover no-repeat; }}' if source.background else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Certificate</title>'
        f"<style>{FRAME_CSS}</style><style>{source.css}</style><style>{page_background}</style>"
        f"</head><body>{''.join(sections)}</body></html>"
    )


def render_pdfs(
    source: TemplateSource, items: Sequence[CertificateData], *, signatory: dict | None = None
) -> list[RenderedCertificate]:
    """Lay the whole batch out and write it once, then split it into each holder's PDF and hash that."""
    from weasyprint import HTML  # imported on first use: it is heavy, and most processes never render
    from weasyprint.urls import URLFetcher

    if not items:
        return []
    body = compile_template(source.html)
    signatory = signatory_details() if signatory is None else signatory
    sections = [
        f'<section id="{PAGE_ID_PREFIX}{index}">{body.render(_context(item, signatory))}</section>'
        for index, item in enumerate(items)
    ]
    document = HTML(
        string=_document_html(source, sections), url_fetcher=URLFetcher(allowed_protocols=["data"])
    ).render()
    holder_of_page = []
    holder = 0
    for page in document.pages:
        starts = [int(anchor[len(PAGE_ID_PREFIX) :]) for anchor in page.anchors if anchor.startswith(PAGE_ID_PREFIX)]
        holder = min(starts) if starts else holder
        holder_of_page.append(holder)
    titles = [(f"Certificate {item.code}: {item.event}", item.issuer) for item in items]
    rendered = []
    for item, pdf in zip(items, split_pdf(document.write_pdf(), holder_of_page, titles), strict=True):
        rendered.append(RenderedCertificate(code=item.code, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()))
    return rendered


def split_pdf(batch_pdf: bytes, holder_of_page: Sequence[int], titles: Sequence[tuple[str, str]]) -> list[bytes]:
    """Each holder's pages of the batch's PDF as a PDF of their own, titled `(title, author)`.

    Writing the batch once subsets its fonts once, where a PDF per holder from WeasyPrint
    subsets them again each time (~8 ms a certificate). Each holder's file keeps only the
    images and fonts its pages use; the font subsets hold the glyphs of the whole batch.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(batch_pdf)) as batch:
        documents = [pikepdf.new() for _ in titles]
        for page, holder in zip(batch.pages, holder_of_page, strict=True):
            documents[holder].pages.append(page)
        split = []
        for document, (title, author) in zip(documents, titles, strict=True):
            for page in document.pages:
                page.remove_unreferenced_resources()
            for key, value in batch.docinfo.items():
                document.docinfo[key] = value
            document.docinfo["/Title"], document.docinfo["/Author"] = title, author
            if "/Lang" in batch.Root:
                document.Root.Lang = batch.Root.Lang
            buffer = io.BytesIO()
            document.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            split.append(buffer.getvalue())
        return split


def render_processes() -> int:
    """Render processes for big batches: one per core unless CERTIFICATE_RENDER_PROCESSES says otherwise."""
    configured = getattr(settings, "CERTIFICATE_RENDER_PROCESSES", None)
    return max(1, configured if configured is not None else (os.cpu_count() or 1))


RENDER_SERVER_MODULE = "registry.render_server"


def _render_context() -> multiprocessing.context.BaseContext:
    """Render processes fork from a fork server that has Django set up and WeasyPrint warm.

    Spawning each child would cost seconds of imports and font loading per batch; forking
    the worker itself would copy its threads' locks and database connections.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([RENDER_SERVER_MODULE])
    return context


def _exit_with_parent() -> None:
    """End this render process as soon as the job worker that asked for it is gone, however it died.

    Render processes are forked by the fork server, not by the job worker, and each holds pipes that keep
    the fork server and multiprocessing's resource tracker alive, so a SIGKILLed worker would leave the
    whole tree running. `parent_process()` is the job worker; its sentinel is a pipe only that worker holds
    open, so it reads end-of-file the moment the worker exits, and then this process exits too. Once no
    render process is left, the fork server and the resource tracker see their own pipes close and exit.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-job-worker", daemon=True).start()


def _render_process_start() -> None:
    """Runs first in every render process: tie its life to the job worker, then set Django up for rendering."""
    _exit_with_parent()
    django.setup()


def start_render_server() -> None:
    """Start the warm fork server now (job workers do this at startup) rather than on the first batch.

    Returns once it is ready: a first child can fork only after the server's preload is done.
    """
    if render_processes() > 1 and not multiprocessing.current_process().daemon:
        probe = _render_context().Process(target=int)
        probe.start()
        probe.join()


def render_chunks(
    source: TemplateSource, chunks: Sequence[Sequence[CertificateData]], *, signatory: dict, processes: int = 1
) -> Iterator[list[RenderedCertificate]]:
    """Each chunk's certificates, in order. Layout is CPU-bound Python, so several chunks use several processes.

    Daemonic processes (some job runners' workers) may not start children; they render in-process.
    """
    if processes < 2 or len(chunks) < 2 or multiprocessing.current_process().daemon:
        for chunk in chunks:
            yield render_pdfs(source, chunk, signatory=signatory)
        return
    workers = min(processes, len(chunks))
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=_render_context(), initializer=_render_process_start
    ) as pool:
        yield from pool.map(partial(render_pdfs, source, signatory=signatory), chunks)


SAMPLE = CertificateData(
    code="SAMPLE2026XY",
    name="Aarav Sharma",
    event="Introduction to Machine Learning Workshop",
    starts=datetime(2026, 3, 12, 10, 0, tzinfo=timezone.get_fixed_timezone(330)),
    ends=datetime(2026, 3, 14, 17, 0, tzinfo=timezone.get_fixed_timezone(330)),
    issuer="Coding Club",
    issued_on=date(2026, 3, 15),
    credits=2,
    category="Technical skills",
)


def render_sample(template: CertificateTemplate) -> bytes:
    """A preview PDF of the template filled with sample data."""
    details = signatory_details()
    details.setdefault("signatory", "")
    details["signatory"] = details["signatory"] or "Dr. Kavita Raman"
    details["signatory_title"] = details["signatory_title"] or "Dean, Student Affairs"
    return render_pdfs(TemplateSource.of(template), [SAMPLE], signatory=details)[0].pdf


# --- Reads ------------------------------------------------------------------


def default_template() -> CertificateTemplate | None:
    return CertificateTemplate.objects.filter(is_default=True).first()


def registrations_to_certify(page_id: int) -> QuerySet:
    """Eligible registrations of the event that have no certificate yet, oldest first."""
    return Registration.objects.filter(
        pk__in=eligible_registrations(page_id).values("pk"), certificate__isnull=True
    ).order_by("pk")


def certificate_data(registration: Registration, record: EventRecord, *, code: str, issuer: str, today: date):
    return CertificateData(
        code=code,
        name=registration.full_name,
        event=record.title,
        starts=record.starts_at,
        ends=record.ends_at,
        issuer=issuer,
        issued_on=today,
        credits=record.credit_points,
        category=record.credit_category.name if record.credit_category else "",
    )


def certificate_for_verification(code: str) -> Certificate | None:
    return Certificate.objects.select_related("credit_category").filter(code=code.strip().upper()).first()


def certificates_of(user) -> QuerySet:
    """Certificates a person holds: issued to their account or to their address."""
    return Certificate.objects.filter(Q(registration__user=user) | Q(registration__email__iexact=user.email)).order_by(
        "-event_starts_at"
    )


ACTIVE_BATCH = [CertificateBatch.Status.QUEUED, CertificateBatch.Status.RUNNING]


def batch_lease() -> timedelta:
    """How long a batch's worker may go without renewing its lease (CERTIFICATE_BATCH_LEASE_SECONDS, 2 minutes).

    Longer than one chunk takes to render and store, short enough that a batch whose worker died is
    picked up again within minutes.
    """
    return timedelta(seconds=settings.CERTIFICATE_BATCH_LEASE_SECONDS)


def abandoned_batches(*, now: datetime) -> QuerySet:
    """Batches queued or running whose lease lapsed: their task was lost or their worker died."""
    return CertificateBatch.objects.filter(status__in=ACTIVE_BATCH).filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    )


def batch_is_stalled(batch: CertificateBatch, *, now: datetime | None = None) -> bool:
    if batch.status not in ACTIVE_BATCH:
        return False
    return batch.lease_expires_at is None or batch.lease_expires_at < (now or timezone.now())


def batch_progress(batch: CertificateBatch) -> dict:
    stalled = batch_is_stalled(batch)
    return {
        "status": batch.status,
        "status_display": batch.get_status_display(),
        "done": batch.done,
        "total": batch.total,
        "percent": batch.percent,
        "finished": batch.status in (CertificateBatch.Status.DONE, CertificateBatch.Status.FAILED),
        "error": batch.error,
        "stalled": stalled,
        "resumable": stalled or batch.status == CertificateBatch.Status.FAILED,
    }
