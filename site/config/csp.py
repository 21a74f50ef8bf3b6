"""Content-Security-Policy, enforced, with what each area of the site adds to the public policy and why.

The public policy (`CONTENT_SECURITY_POLICY` in the settings) allows scripts and styles from our own origin only:
no inline script, no inline style, no eval. Public templates keep it that way: their scripts and styles are static
files, not inline code with a nonce, because the anonymous page cache (cms.cache) replays a stored body to every
visitor, and a nonce in a replayed body would be stale under a fresh header, or shared by everyone.

The two admins and the API documents are built from third-party screens whose markup we do not write. Each area
below replaces only the directives its screens need, and says why; everything else (no eval, no plugins, no <base>,
forms posting only here, no framing by other sites) holds everywhere. A view can still adjust its own response
with django-csp's decorators, which apply on top of its area.
"""

import base64
import hashlib

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts


def source_hash(text: str) -> str:
    """The CSP source that allows exactly this inline code (an event handler, a style attribute, a <style> body)."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


WAGTAIL_ADMIN = {
    # Wagtail renders its widgets' set-up as inline <script> blocks without a nonce: date and time pickers
    # (`initDateChooser(...)`, in list filters too), image and page choosers (`new ImageChooser(...)`, written
    # by its Python widget code) and inline panels (`new InlinePanel(...)`); jQuery runs the same kind of block
    # again when an inline panel gains a form. Its form renderer is given no request, so no nonce can reach them,
    # and each embeds its field's id and options, so no fixed hash matches them.
    "script-src": [SELF, UNSAFE_INLINE],
    # Wagtail binds events with Stimulus, never with inline handlers: the usual injection (`onerror=`) stays shut.
    "script-src-attr": [NONE],
    # Draftail, the rich-text editor, adds <style> elements for its list depths while it runs.
    "style-src": [SELF, UNSAFE_INLINE],
    # Wagtail's markup has no style attribute; its scripts set styles through the DOM, which the policy allows.
    "style-src-attr": [NONE],
    # The editor's preview panel frames the admin's preview page (and its "preview not available" notice).
    "frame-ancestors": [SELF],
}

BACK_OFFICE = {
    # The back office is django-unfold, which drives its screens with Alpine.js. Unfold ships Alpine's standard
    # build, which evaluates every x-* expression with `new Function` ('unsafe-eval'); we load Alpine's CSP build
    # instead (templates/unfold/layouts/skeleton.html, registry/backoffice_alpine.js), so nothing here allows eval.
    # Unfold's theme colours are a <style> element carrying the request's nonce (below), and no style attribute of
    # unfold's is needed: its JSON display and the actions bar's width are replaced (registry/admin/registrations.py,
    # templates/admin/actions.html). This policy needed no new source for unfold.
    # Only our own screens' scripts run (all static files); no markup carries an event handler. (The export form's
    # "Select all" handler and its two style attributes, and simple-history's paginator style, were django-import-
    # export's and django-simple-history's own templates, which unfold's integrations replace.)
    "script-src": [SELF],
    "script-src-attr": [NONE],
    # The hall calendar places each booking on its grid in a <style> element carrying the request's nonce, and
    # unfold's layout writes its theme colours the same way.
    "style-src": [SELF, NONCE],
    # No markup carries a style attribute; scripts (Alpine, simplebar) set styles through the DOM, which is allowed.
    "style-src-attr": [NONE],
}

# Swagger UI, served from drf-spectacular-sidecar's static files. Its set-up script is a separate request
# (SpectacularSwaggerSplitView), so only drf-spectacular's fixed page style is inline, allowed by its hash.
SWAGGER_UI_STYLE = """
      html { box-sizing: border-box; overflow-y: scroll; }
      *, *:after, *:before { box-sizing: inherit; }
      body { background: #fafafa; margin: 0; }
    """
API_DOCS = {"style-src": [SELF, source_hash(SWAGGER_UI_STYLE)]}

AREAS = (("/admin/", WAGTAIL_ADMIN), ("/staff/", BACK_OFFICE), ("/api/docs/", API_DOCS))

# Wagtail renders a preview by sending a stand-in request for the page's public address (`is_dummy`) through
# the middleware: the page keeps the public policy, and the editor's preview panel may frame it.
PREVIEW = {"frame-ancestors": [SELF]}


def area_directives(request) -> dict:
    """The directives the request's area replaces in the public policy; none on the public site."""
    if getattr(request, "is_dummy", False):
        return PREVIEW
    return next((directives for prefix, directives in AREAS if request.path_info.startswith(prefix)), {})


class AreaCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the public policy's directives replaced as the request's area needs."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            parts.replace = {**area_directives(request), **(parts.replace or {})}
        return parts
