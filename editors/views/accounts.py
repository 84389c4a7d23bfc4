"""Desk accounts' own pages that differ from Django's auth views."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.http import HttpResponseRedirect
from django.urls import reverse

from api import tokens
from editors import security

#: Where a login with no ``next`` lands, by what the person may do, first match wins: the
#: desk for newsroom staff, the token page for a partner who only reads the API, else the
#: public site (``LOGIN_REDIRECT_URL`` would send everyone to the desk, a 403 for partners).
LANDINGS = (
    ("articles.use_desk", "editors:dashboard"),
    (tokens.HOLD_PERMISSION, "editors:token_list"),
)


class LoginView(auth.LoginView):
    def get_default_redirect_url(self):
        user = self.request.user
        for permission, name in LANDINGS:
            if user.has_perm(permission):
                return reverse(name)
        return reverse("articles:home")


class PasswordResetView(auth.PasswordResetView):
    """Django's reset view, sending at most a few mails an hour per address and per client.

    Over a limit the visitor gets the same "if an account uses that address, we sent a
    link" page as everyone else, so the limit tells nothing about which addresses have
    accounts; no mail goes out and the refusal is logged (``editors.security``).
    """

    def form_valid(self, form):
        if security.password_reset_limited(self.request):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
