"""The account pages: invitations, password reset and change, the person's
own page (language, API token). The password checks and the token links are
Django's auth views and forms; the writes go through
installer_ops/services/accounts.py so that each is audited."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from . import policies, views
from .account_forms import LanguageForm, PasswordResetForm
from .invitations import invitation_token_generator
from .login_sessions import login_session_remember
from .page_errors import DOMAIN_ERRORS, add_service_errors, domain_error_text
from .roles import Role, role_of
from .services import accounts


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"

    def form_valid(self, form):
        user = accounts.password_set(
            actor=self.request.user,
            user=form.user,
            password=form.cleaned_data["new_password1"],
            action="change password",
        )
        # Keep this session (the others end with the old password hash); its key changes, so record it again.
        update_session_auth_hash(self.request, user)
        login_session_remember(self.request, user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's token check and SetPasswordForm; the write audited."""

    template_name = "registration/reset_confirm.html"
    audit_action = "reset password"

    def form_valid(self, form):
        accounts.password_set(
            actor=self.user, user=self.user, password=form.cleaned_data["new_password1"], action=self.audit_action
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class InvitationAccept(PasswordResetConfirm):
    """The invitation's link: the same flow with the invitation's token generator."""

    template_name = "registration/invitation_accept.html"
    token_generator = invitation_token_generator
    audit_action = "accept invitation"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Log in with your login name and it."))
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_name": self.user.username if self.user else ""}


password_change = PasswordChange.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_changed.html")
LINK_HOURS = {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
# An unknown address sends nothing and answers exactly as a known one (Django's PasswordResetForm).
password_reset = auth_views.PasswordResetView.as_view(
    form_class=PasswordResetForm,  # the mail in the recipient's language
    template_name="registration/reset_request.html",
    email_template_name="registration/reset_mail.txt",
    subject_template_name="registration/reset_mail_subject.txt",
    extra_email_context=LINK_HOURS,
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/reset_sent.html", extra_context=LINK_HOURS
)
password_reset_confirm = PasswordResetConfirm.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(template_name="registration/reset_complete.html")
invitation_accept = InvitationAccept.as_view()


def _account_page(request, *, language_form=None, new_token=None, status=200):
    user = request.user
    token = Token.objects.filter(user=user).first()
    role = role_of(user)
    return render(
        request,
        "installer_ops/account.html",
        {
            "role": role.label if role else _("No role"),
            "language_form": language_form or LanguageForm(initial={"language": user.language}),
            "token": token,
            "new_token": new_token,
        },
        status=status,
    )


@login_required
def account(request):
    return _account_page(request)


@require_POST
@login_required
def account_language(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        try:
            accounts.account_language_set(actor=request.user, user=request.user, **form.cleaned_data)
        except DOMAIN_ERRORS as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Language saved."))
            return redirect("account")
    return _account_page(request, language_form=form, status=400)


@require_POST
@login_required
def account_token_create(request):
    try:
        token = accounts.api_token_create(actor=request.user, user=request.user)
    except DOMAIN_ERRORS as exc:
        messages.error(request, domain_error_text(exc))
        return redirect("account")
    # Shown in this answer only: never stored anywhere it could be shown again.
    return _account_page(request, new_token=token.key)


@login_required
def account_token_revoke(request):
    """GET asks to confirm; POST revokes."""
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        if accounts.api_token_revoke(actor=request.user, user=request.user):
            messages.success(request, _("API token revoked. Integrations using it are refused from now on."))
        return redirect("account")
    if token is None:
        return redirect("account")
    return render(request, "installer_ops/account_token_revoke.html", {"token": token})


@require_POST
@views.role_required(Role.LEAD, Role.ADMIN)
def installer_invitation_send(request, installer_id: int):
    installer = get_object_or_404(policies.installers_visible_to(request.user), pk=installer_id)
    try:
        accounts.invitation_send(actor=request.user, installer=installer)
    except DOMAIN_ERRORS as exc:
        messages.error(request, domain_error_text(exc))
    else:
        messages.success(request, _("An invitation is on its way to %(email)s.") % {"email": installer.user.email})
    return redirect("installer-detail", installer_id=installer.pk)
