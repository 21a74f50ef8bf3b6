"""Preloaded by the certificate render processes' fork server (see `certificates.render_chunks`).

Importing it sets Django up and lays out one sample certificate, so every render
process forked afterwards starts with WeasyPrint imported and its fonts loaded.
The fork server is a fresh interpreter started in the project root that (on
Python 3.11) does not inherit the parent's import path, so `site/` is added here
as manage.py does; if the import fails anyway, render processes set Django up
themselves and are merely slower to start.
"""

import sys
from pathlib import Path

SITE_DIR = str(Path(__file__).resolve().parent.parent / "site")
if SITE_DIR not in sys.path:
    sys.path.insert(0, SITE_DIR)

import django  # noqa: E402

django.setup()

from registry import certificates  # noqa: E402

certificates.render_pdfs(
    certificates.TemplateSource(*certificates.default_template_source()),
    [certificates.SAMPLE],
    signatory={"signatory": "", "signatory_title": "", "signature": ""},
)
