from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editors.accounts import account_set_role

DEMO_ACCOUNTS = [
    ("admin", "admin", "Ada Admin"),
    ("editor", "editor", "Elena Editor"),
    ("copyeditor", "copy-editor", "Colin Copyeditor"),
    ("reporter", "reporter", "Rosa Reporter"),
    ("reporter2", "reporter", "Ravi Reporter"),
]


class Command(BaseCommand):
    help = (
        "Create one demo desk account per role, all with one password: NEWSROOM_PASSWORD, "
        "else the one kept in var/demo-password (made at random on first use). "
        "Development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DJANGO_DEBUG=0.")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for development; pass --force to insist.")
        password = os.environ.get("NEWSROOM_PASSWORD") or self._stored_password()
        for username, role, name in DEMO_ACCOUNTS:
            account_set_role(username=username, role=role, password=password, full_name=name)
        names = ", ".join(f"{u} ({r})" for u, r, _ in DEMO_ACCOUNTS)
        self.stdout.write(f"Demo desk accounts: {names}")
        self.stdout.write(f"Password for all of them: {password}")
        self.stdout.write("Log in at /accounts/login/ ; the desk is /desk/, the admin /admin/.")

    def _stored_password(self) -> str:
        path = settings.BASE_DIR / "var" / "demo-password"
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(exist_ok=True)
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n")
        path.chmod(0o600)
        return password
