from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaigns.demo import campaign_demo
from declarations.demo import assembly_pace, declaration_demo_files
from declarations.models import Declaration
from declarations.pace.importing import declaration_import_file
from prisoners.models import Prisoner
from prisoners.services import DEMO_FILE, describe_import_errors, prisoners_import


class Command(BaseCommand):
    help = (
        "Load the demo data: the 48 political prisoners of the February 2025 report and three "
        "PACE written declarations with their signatories. Safe to run again: nothing is "
        "duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--prisoners",
            default=str(DEMO_FILE),
            help="Prisoner spreadsheet (CSV or XLSX) to load instead.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when prisoners exist already, so that staff edits are kept.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Prisoner.objects.exists():
            self.stdout.write(
                f"Prisoners: {Prisoner.objects.count()} already in the database; left as they are."
            )
        else:
            self.load_prisoners(options["prisoners"])
        if options["if_empty"] and Declaration.objects.exists():
            self.stdout.write(
                f"Declarations: {Declaration.objects.count()} already in the database; "
                "left as they are."
            )
        else:
            self.load_declarations()
        campaign = campaign_demo()
        self.stdout.write(f"Campaign: {campaign.title} ({campaign.petitions.count()} petition).")

    def load_prisoners(self, path):
        try:
            result = prisoners_import(path=path)
        except FileNotFoundError as error:
            raise CommandError(f"No such file: {error.filename}") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        except Exception as error:  # tablib raises many kinds on a malformed file
            raise CommandError(f"Could not read {path}: {error}") from error
        if result.has_errors() or result.has_validation_errors():
            raise CommandError(
                "Nothing was imported; fix these rows and run again:\n  "
                + "\n  ".join(describe_import_errors(result))
            )
        totals = result.totals
        self.stdout.write(
            self.style.SUCCESS(
                f"Prisoners: {totals['new']} new, {totals['update']} updated, "
                f"{totals['skip']} unchanged."
            )
        )

    def load_declarations(self):
        assembly = assembly_pace()
        for path in declaration_demo_files():
            try:
                declaration = declaration_import_file(
                    path=path, assembly=assembly, link_prisoners=True
                )
            except ValidationError as error:
                raise CommandError(f"{path.name}: {' '.join(error.messages)}") from error
            self.stdout.write(
                f"Declaration No. {declaration.declaration_number}: "
                f"{declaration.signatories.count()} signatures, "
                f"{declaration.prisoners.count()} prisoners linked."
            )
