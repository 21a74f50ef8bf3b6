"""allauth's adapter: its limits key on the one client address, its logins follow the lockout policy, and its
emails go into the message log."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied

from .emails import branding
from .security import client_address, login_identifier, login_slowed
from .services import messages


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "incorrect_code": "That code isn't right. Check the email we sent and type its digits again.",
    }

    def get_client_ip(self, request) -> str:
        """allauth's own reading (ALLAUTH_TRUSTED_PROXY_COUNT) would be a second answer to who is asking."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request, **credentials) -> None:
        """A paced attempt is turned away before allauth counts it as a failure against the address."""
        if login_slowed(request=request, identifier=login_identifier(request, credentials)):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth sends it (verification, password reset, sign-up attempts), logged as account mail.

        Text and HTML, in the site's name (`branding`, as the other emails), never the host and port allauth's own
        templates greet with; codes say how long they work (`code_minutes`)."""
        request = allauth_context.request
        email_message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                "branding": branding(),
                "site_url": settings.SITE_URL,
                "code_minutes": settings.ACCOUNT_CODE_MINUTES,
                **context,
            },
        )
        messages.account_email_send(
            address=email, template=f"account:{template_prefix.rsplit('/', 1)[-1]}", email=email_message
        )
