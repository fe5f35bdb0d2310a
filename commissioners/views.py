"""Commissioner accounts at /commissioners/: sign up, confirm the email, sign in and out, reset.

Signing in, out and password resets are the members' views (``members.views``:
the same django-axes lockout and rate limits) with this area's templates.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy

from django_ratelimit.decorators import ratelimit

from members import views as member_views
from members.forms import MemberPasswordResetForm
from members.views import too_many_requests

from . import verification
from .forms import BecomeCommissionerForm, CommissionerSignupForm
from .models import Commissioner, Shortlist, is_commissioner
from .notifications import send_verification


def commissioner_required(view):
    """Signed-in commissioners only; everyone else is sent to sign in."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_commissioner(request.user):
            if request.user.is_authenticated:
                return redirect("commissioners:home")
            # The whole path, query included: a search to save survives signing in.
            return redirect_to_login(request.get_full_path(), reverse("commissioners:login"))
        return view(request, *args, **kwargs)

    return wrapped


def home(request):
    """The account: its lists, or how to become a commissioner."""
    if not request.user.is_authenticated:
        return render(request, "commissioners/welcome.html")
    profile = Commissioner.objects.filter(user=request.user).first()
    context = {"profile": profile, "active": "account"}
    if is_commissioner(request.user):
        context["shortlists"] = Shortlist.objects.of(request.user)
    return render(request, "commissioners/home.html", context)


@ratelimit(key="ip", rate="5/h", method="POST", block=False)
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("commissioners:become")
    form = CommissionerSignupForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many_requests(request, "sign-ups")
        if form.is_valid():
            with transaction.atomic():  # the account and its email, or neither
                commissioner = form.save()
                send_verification(commissioner, request=request)
            return redirect("commissioners:sign_up_sent")
    return render(request, "commissioners/sign_up.html", {"form": form})


def sign_up_sent(request):
    return render(request, "commissioners/sign_up_sent.html")


@login_required(login_url=reverse_lazy("commissioners:login"))
@ratelimit(key="ip", rate="5/h", method="POST", block=False)
def become(request):
    """A signed-in person without commissioner details (a member, say) adds them."""
    profile = Commissioner.objects.filter(user=request.user).first()
    if profile is not None:
        return redirect("commissioners:home")
    form = BecomeCommissionerForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many_requests(request, "sign-ups")
        if form.is_valid():
            with transaction.atomic():
                commissioner = form.save(commit=False)
                commissioner.user = request.user
                commissioner.save()
                send_verification(commissioner, request=request)
            return redirect("commissioners:sign_up_sent")
    return render(request, "commissioners/become.html", {"form": form})


@ratelimit(key="ip", rate="20/h", method="POST", block=False)
def verify_email(request, token):
    """GET: one button (mail scanners follow links, they do not press buttons); POST: confirm."""
    if request.method == "POST" and getattr(request, "limited", False):
        return too_many_requests(request, "confirmations")
    commissioner, state = verification.check_token(token)
    if state != verification.VALID:
        status = 410 if state in (verification.EXPIRED, verification.USED) else 404
        context = {"state": state}
        return render(request, "commissioners/verify_invalid.html", context, status=status)
    if request.method == "POST":
        with transaction.atomic():
            locked = Commissioner.objects.select_for_update().get(pk=commissioner.pk)
            if locked.email_verified:  # confirmed meanwhile (a second click)
                return render(
                    request, "commissioners/verify_invalid.html", {"state": "used"}, status=410
                )
            locked.verify_email()
        messages.success(request, "Thank you: your email address is confirmed.")
        if request.user.is_authenticated:
            return redirect("commissioners:home")
        return redirect("commissioners:login")
    return render(request, "commissioners/verify_email.html", {"commissioner": commissioner})


class ResendForm(MemberPasswordResetForm):
    """An address to send a fresh verification link to (the honeypot included)."""

    def unconfirmed(self):
        email = self.cleaned_data["email"]
        return (
            Commissioner.objects.select_related("user")
            .filter(user__email__iexact=email, email_verified_at__isnull=True)
            .first()
        )


@ratelimit(key="ip", rate="5/h", method="POST", block=False)
@ratelimit(key="post:email", rate="3/h", method="POST", block=False)
def resend_verification(request):
    """A new link for an unconfirmed account; the same answer whether there is one or not."""
    form = ResendForm(request.POST or None)
    if request.method == "POST":
        if getattr(request, "limited", False):
            return too_many_requests(request, "requests")
        if form.is_valid():
            commissioner = form.unconfirmed()
            if commissioner is not None:
                with transaction.atomic():
                    send_verification(commissioner, request=request)
            return redirect("commissioners:sign_up_sent")
    return render(request, "commissioners/resend.html", {"form": form})


# --- signing in and out, password reset: the members' views, this area's pages ---


class LoginView(member_views.MemberLoginView):
    template_name = "commissioners/login.html"
    next_page = reverse_lazy("commissioners:home")


class LogoutView(member_views.MemberLogoutView):
    next_page = reverse_lazy("commissioners:login")


# The members' password pages, in this area's frame and linking to its own sign-in.
AREA = {
    "base_template": "commissioners/base.html",
    "login_url": reverse_lazy("commissioners:login"),
    "reset_url": reverse_lazy("commissioners:password_reset"),
}


class PasswordResetView(member_views.MemberPasswordResetView):
    extra_context = AREA
    extra_email_context = {
        "account_kind": "commissioner",
        "confirm_url_name": "commissioners:password_reset_confirm",
    }
    success_url = reverse_lazy("commissioners:password_reset_done")


class PasswordResetDoneView(member_views.MemberPasswordResetDoneView):
    extra_context = AREA


class PasswordResetConfirmView(member_views.MemberPasswordResetConfirmView):
    extra_context = AREA
    success_url = reverse_lazy("commissioners:password_reset_complete")


class PasswordResetCompleteView(member_views.MemberPasswordResetCompleteView):
    extra_context = AREA
