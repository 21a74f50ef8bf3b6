from django.contrib import messages
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy

from ..services.invitations import invitation_accept


class InvitationAcceptView(PasswordResetConfirmView):
    """The link in invitation and staff-sent reset emails: Django's token checks, then one service call."""

    template_name = "registry/invitation_accept.html"
    success_url = reverse_lazy("account_login")

    def form_valid(self, form):
        invitation_accept(actor=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, "Your password is set. Sign in with your email address and new password.")
        return HttpResponseRedirect(self.get_success_url())
