from __future__ import annotations

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from editors.accounts import account_set_role
from editors.roles import ROLE_CHOICES


class Command(BaseCommand):
    help = (
        "Create or update a desk account with one role. The password comes from the "
        "NEWSROOM_PASSWORD variable, or a prompt; an existing user keeps theirs when neither "
        "is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_CHOICES))
        parser.add_argument("--email", default="")
        parser.add_argument("--no-password", action="store_true", help="Do not ask for a password.")

    def handle(self, *args, username: str, role: str, email: str, no_password: bool, **options):
        password = os.environ.get("NEWSROOM_PASSWORD") or None
        if password is None and not no_password and self._interactive():
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords do not match.")
        try:
            user, created = account_set_role(
                username=username, role=role, email=email, password=password
            )
        except (ValueError, ValidationError) as exc:
            message = " ".join(getattr(exc, "messages", [str(exc)]))
            raise CommandError(message) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {user.get_username()} as {role}.")

    def _interactive(self) -> bool:
        import sys

        return sys.stdin.isatty()
