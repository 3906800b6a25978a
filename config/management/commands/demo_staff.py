import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.roles import CAMPAIGNER, EDITOR, sync_roles


class Command(BaseCommand):
    help = (
        "Create (once) the demo staff account, an editor and campaigner without access to "
        "supporters' personal data, and print its credentials. Refuses to run outside "
        "DEBUG mode."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "The demo staff account is for local use only (DEBUG=1). On a server, use "
                "`manage.py create_administrator`."
            )
        sync_roles()
        credentials = settings.VAR_DIR / "demo-staff.txt"
        User = get_user_model()
        user = User.objects.filter(username="editor").first()
        if user is None or not credentials.exists():
            password = secrets.token_urlsafe(16)
            user = user or User(username="editor", email="editor@localhost")
            user.is_staff = True
            user.set_password(password)
            user.save()
            credentials.parent.mkdir(parents=True, exist_ok=True)
            credentials.write_text(password)
            credentials.chmod(0o600)
        user.groups.set(Group.objects.filter(name__in=[EDITOR, CAMPAIGNER]))
        password = credentials.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff sign-in: http://127.0.0.1:8000/{settings.ADMIN_URL}  "
                f"user: editor  password: {password}"
            )
        )
