"""How fast certificates render: one document per certificate vs a batch laid out once and split.

    .venv/bin/python benchmarks/bench_certificates.py [--total 1000] [--single 20]

Uses the built-in default template and in-memory holders; PDFs are stored in a
throwaway media folder (no database). Prints whether WeasyPrint subsets fonts
with HarfBuzz (libharfbuzz-subset0) or falls back to fontTools (about 5x slower).
"""

import argparse
import ctypes.util
import hashlib
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["CONVENE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-certificates-")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import storages  # noqa: E402

from registry import certificates  # noqa: E402
from registry.services.certificates import CHUNK_SIZE  # noqa: E402


def harfbuzz_report() -> str:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    library = ctypes.util.find_library("harfbuzz-subset")
    active = harfbuzz_subset is not None and harfbuzz.hb_version_atleast(4, 1, 0)
    engine = "HarfBuzz-Subset (fast)" if active else "fontTools (slow: install libharfbuzz-subset0)"
    return f"libharfbuzz-subset: {library or 'not found'}; WeasyPrint subsets fonts with {engine}"


def holders(count: int, prefix: str) -> list[certificates.CertificateData]:
    return [
        replace(certificates.SAMPLE, code=f"{prefix}{index:08d}", name=f"Participant Number {index}")
        for index in range(count)
    ]


def per_certificate(seconds: float, cpu: float, count: int) -> str:
    wall, cpu_each = seconds / count * 1000, cpu / count * 1000
    return f"{wall:6.1f} ms per certificate ({count} in {seconds:.2f} s; CPU {cpu_each:.1f} ms each)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total", type=int, default=1000, help="certificates in the end-to-end run")
    parser.add_argument("--single", type=int, default=20, help="certificates rendered one document each")
    args = parser.parse_args()

    html, css = certificates.default_template_source()
    source = certificates.TemplateSource(html=html, css=css)
    signatory = {"signatory": "Dr. Kavita Raman", "signatory_title": "Dean, Student Affairs", "signature": ""}
    processes = certificates.render_processes()
    print(harfbuzz_report())
    print(f"CPU cores: {os.cpu_count()}; render processes for big batches: {processes}; chunk: {CHUNK_SIZE}")
    print(f"load average now: {' '.join(f'{load:.2f}' for load in os.getloadavg())} (other work slows every figure)")
    certificates.render_pdfs(source, holders(2, "WARM"), signatory=signatory)  # fonts and caches, as in a worker
    started = time.perf_counter()
    certificates.start_render_server()  # what the Huey worker does at startup
    print(f"warm render server started in {time.perf_counter() - started:.1f} s (once per worker, not timed below)")

    started, cpu = time.perf_counter(), time.process_time()
    for holder in holders(args.single, "ONE"):
        certificates.render_pdfs(source, [holder], signatory=signatory)
    single, single_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"one document per certificate: {per_certificate(single, single_cpu, args.single)}")

    batch = holders(2 * CHUNK_SIZE, "BATCH")
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(batch), CHUNK_SIZE):
        certificates.render_pdfs(source, batch[start : start + CHUNK_SIZE], signatory=signatory)
    batched, batched_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"batched, one process:         {per_certificate(batched, batched_cpu, len(batch))}")

    everyone = holders(args.total, "ALL")
    chunks = [everyone[start : start + CHUNK_SIZE] for start in range(0, len(everyone), CHUNK_SIZE)]
    started = time.perf_counter()
    stored = 0
    for rendered in certificates.render_chunks(source, chunks, signatory=signatory, processes=processes):
        for certificate in rendered:
            assert hashlib.sha256(certificate.pdf).hexdigest() == certificate.sha256
            storages["certificates"].save(f"certificates/{certificate.code}.pdf", ContentFile(certificate.pdf))
            stored += 1
    total = time.perf_counter() - started
    print(
        f"{stored} batched, rendered + hashed + stored with {processes} process(es): {total:.1f} s "
        f"({total / stored * 1000:.1f} ms per certificate; target < 30 s)"
    )
    print(f"speed-up of batching over one document each: {single / args.single / (batched / len(batch)):.1f}x")


if __name__ == "__main__":
    main()
