import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

EDITOR_APPS = ["prisoners", "declarations", "campaigns", "supporters", "outbox"]


class Command(BaseCommand):
    help = (
        "Create (once) the demo staff account, an editor without superuser rights, "
        "and print its credentials. Refuses to run outside DEBUG mode."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo staff account is for local use only (DEBUG=1).")
        editors, _ = Group.objects.get_or_create(name="Editors")
        editors.permissions.set(
            Permission.objects.filter(content_type__app_label__in=EDITOR_APPS).exclude(
                codename="view_personal_data"
            )
        )
        # Supporters' personal data is a separate grant, so it can be given to few people.
        supporter_data, _ = Group.objects.get_or_create(name="Supporter data")
        supporter_data.permissions.set(Permission.objects.filter(codename="view_personal_data"))

        credentials = settings.VAR_DIR / "demo-staff.txt"
        User = get_user_model()
        user = User.objects.filter(username="editor").first()
        if user is None or not credentials.exists():
            password = secrets.token_urlsafe(12)
            user = user or User(username="editor", email="editor@localhost")
            user.is_staff = True
            user.set_password(password)
            user.save()
            credentials.parent.mkdir(parents=True, exist_ok=True)
            credentials.write_text(password)
            credentials.chmod(0o600)
        user.groups.add(editors, supporter_data)
        password = credentials.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff sign-in: http://127.0.0.1:8000/{settings.ADMIN_URL}  "
                f"user: editor  password: {password}"
            )
        )
