"""allauth's adapter: its limits key on the one client address, and its logins follow the lockout policy."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from .security import client_address, login_identifier, login_slowed


class AccountAdapter(DefaultAccountAdapter):
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
