import getpass

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.roles import ADMINISTRATOR, sync_roles


class Command(BaseCommand):
    help = (
        "Create a staff administrator (for the first one on a new server). The password is "
        "asked for twice, or read from the environment variable named by --password-env, "
        "and must pass the site's password rules. On first sign-in the administrator must "
        "set up two-factor sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of asking.",
        )

    def handle(self, *args, username, email, password_env=None, **options):
        import os

        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already a user called {username!r}.")
        user = User(username=username, email=email, is_staff=True, is_active=True)
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            sync_roles()
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=ADMINISTRATOR))
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrator {username} created. Sign in at the staff address and set up "
                "two-factor sign-in when asked; keep the recovery codes somewhere safe."
            )
        )
