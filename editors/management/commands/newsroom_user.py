from __future__ import annotations

import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from editors.accounts import person_create, person_update
from editors.roles import ROLE_CHOICES


class Command(BaseCommand):
    help = (
        "Create or update a desk account with one role; a new one gets its Author profile "
        "(its byline), named after the first and last name. The password comes from the "
        "NEWSROOM_PASSWORD variable, or a prompt; an existing user keeps theirs when neither "
        "is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_CHOICES))
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--no-password", action="store_true", help="Do not ask for a password.")

    def handle(
        self,
        *args,
        username: str,
        role: str,
        email: str,
        first_name: str,
        last_name: str,
        no_password: bool,
        **options,
    ):
        password = os.environ.get("NEWSROOM_PASSWORD") or None
        if password is None and not no_password and self._interactive():
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords do not match.")
        person = {
            "role": role,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "password": password,
        }
        user = get_user_model().objects.filter(username=username).first()
        created = user is None
        try:
            if created:
                user = person_create(username=username, **person)
            else:
                user = person_update(user=user, **person)
        except (ValueError, ValidationError) as exc:
            message = " ".join(getattr(exc, "messages", [str(exc)]))
            raise CommandError(message) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {user.get_username()} as {role}.")

    def _interactive(self) -> bool:
        import sys

        return sys.stdin.isatty()
