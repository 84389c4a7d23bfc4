"""Desk accounts' own pages that differ from Django's auth views."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.http import HttpResponseRedirect

from editors import security


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
