from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render

from .. import selectors
from ..forms import MentorProfileForm, NotificationChoicesForm, OrganizerRequestForm, ProfileForm, StudentProfileForm
from ..models import MentorProfile, Role, StudentProfile
from ..services import messages as message_services
from ..services import people
from ..services.errors import DomainError
from ..services.organizer_requests import organizer_request_create


@login_required
def profile(request):
    """The person's details, their role's fields, and which optional messages they want, and how."""
    user = request.user
    roles = user.roles
    forms = {"profile": ProfileForm(request.POST or None, instance=user, prefix="profile")}
    choices = NotificationChoicesForm(request.POST or None, user=user, prefix="notify")
    if Role.ATTENDEE in roles or hasattr(user, "student_profile"):
        student = getattr(user, "student_profile", None) or StudentProfile(user=user)
        forms["student"] = StudentProfileForm(request.POST or None, instance=student, prefix="student")
    if Role.MENTOR in roles or hasattr(user, "mentor_profile"):
        mentor = getattr(user, "mentor_profile", None) or MentorProfile(user=user)
        forms["mentor"] = MentorProfileForm(request.POST or None, instance=mentor, prefix="mentor")
    if request.method == "POST" and all(form.is_valid() for form in [*forms.values(), choices]):
        records = [form.save(commit=False) for form in forms.values()]
        with transaction.atomic():
            people.profile_update(actor=request.user, user=user, records=records)
            message_services.preferences_set(actor=request.user, user=user, choices=choices.choices())
        messages.success(request, "Your profile has been saved.")
        return redirect("account_profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/profile.html", {"forms": forms, "choices": choices}, status=status)


@login_required
def organizer_requests(request):
    """Ask to organize for an organization, and see what became of earlier requests."""
    form = OrganizerRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organizer_request_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                message=form.cleaned_data["message"],
            )
        except DomainError as refusal:
            form.add_error("organization", str(refusal))
        else:
            messages.success(request, "Your request is sent; the organization's head decides and we will tell you.")
            return redirect("organizer_requests")
    mine = request.user.organizer_requests.select_related("organization")
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/organizer_requests.html", {"form": form, "requests": mine}, status=status)


@login_required
def my_credits(request):
    """Activity points / CPD credits: balance per category against its limits, and every entry."""
    entries = request.user.credit_entries.select_related("category", "registration__page").order_by("-created_at")
    return render(
        request, "registry/my_credits.html", {"balances": selectors.credit_balances(request.user), "entries": entries}
    )
