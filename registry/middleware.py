from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .security import can_use_admin


class AdminOTPRequiredMiddleware:
    """Both admins (/admin/ Wagtail, /staff/ Django) need a verified OTP device.

    A staff member who has none is sent to enroll one; one who has a device but
    has not verified it in this session is sent to verify. Placed after
    django-otp's OTPMiddleware, which sets `request.user.is_verified`.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.OTP_ADMIN_PATH_PREFIXES)

    def __call__(self, request):
        if request.path.startswith(self.prefixes):
            user = request.user
            if can_use_admin(user) and not user.is_verified():
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('otp_verify')}?{query}")
        return self.get_response(request)


class AdminPreviewFramingMiddleware:
    """The site is DENY-framed; Wagtail's admin frames its own previews, so it gets SAMEORIGIN.

    Listed below XFrameOptionsMiddleware, so its header is set first and kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in the address or the query string is answered 400, before any view sees it.

    PostgreSQL cannot store or compare text containing NUL, so a code or filter carrying one (a mangled link,
    a fuzzer) raised a database error (a 500) wherever it reached a query. Form and API fields refuse NUL
    themselves; this covers what arrives in the URL.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = (key + "".join(values) for key, values in request.GET.lists())
        if "\x00" in request.path or any("\x00" in text for text in query):
            if request.path.startswith("/api/"):
                from .api_errors import PROBLEM_CONTENT_TYPE, problem

                body = problem(400, "The address contains a NUL character.")
                return JsonResponse(body, status=400, content_type=PROBLEM_CONTENT_TYPE)
            return HttpResponseBadRequest("The address contains a character that is not allowed (NUL).")
        return self.get_response(request)
