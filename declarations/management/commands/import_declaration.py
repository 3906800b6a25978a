from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from declarations.models import Assembly
from declarations.pace.importing import IMPORT_STATUSES, declaration_import_file


class Command(BaseCommand):
    help = (
        "Import published written declarations from text files (PACE document or web-page "
        "layout). Each file is all or nothing; importing a file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--assembly", default="PACE", help="Short name of the assembly.")
        parser.add_argument(
            "--link-prisoners",
            action="store_true",
            help="Also link the published prisoners the text names (exact spellings only).",
        )
        parser.add_argument(
            "--status",
            choices=[str(status) for status in IMPORT_STATUSES],
            default=str(IMPORT_STATUSES[0]),
            help="Save the declarations with this status (default: published).",
        )
        parser.add_argument(
            "--below-threshold",
            action="store_true",
            help="Save as published even a text with fewer signatures, delegations or groups "
            "than the assembly's threshold (otherwise such a file is not imported).",
        )

    def handle(self, *args, **options):
        assembly = Assembly.objects.filter(short_name=options["assembly"]).first()
        if assembly is None:
            known = ", ".join(Assembly.objects.values_list("short_name", flat=True)) or "none"
            raise CommandError(f"No assembly called {options['assembly']} (known: {known}).")
        failed = 0
        for path in options["files"]:
            try:
                declaration = declaration_import_file(
                    path=path,
                    assembly=assembly,
                    link_prisoners=options["link_prisoners"],
                    status=options["status"],
                    below_threshold=options["below_threshold"],
                )
            except FileNotFoundError:
                self.stderr.write(f"{path}: no such file.")
                failed += 1
            except UnicodeDecodeError:
                self.stderr.write(f"{path}: not UTF-8 text; save it as plain text.")
                failed += 1
            except ValidationError as error:
                self.stderr.write(f"{path}: not imported:\n  " + "\n  ".join(error.messages))
                failed += 1
            else:
                self.stdout.write(
                    f"{path}: No. {declaration.declaration_number}, "
                    f"{declaration.signatories.count()} signatures."
                )
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} file(s) not imported.")
