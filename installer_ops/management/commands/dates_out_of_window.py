"""python manage.py dates_out_of_window [--database]: the rows whose dates lie
outside the plausible window (docs/architecture.md, Bad input), so that an
existing installation can be repaired. Exits 1 when it lists any."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from installer_ops.date_windows import rows_outside, windowed_columns


class Command(BaseCommand):
    help = "List rows whose dates lie outside 2000-01-01 to five years ahead (or the database's fixed window)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            action="store_true",
            help="Only rows outside the database's fixed window (2000-01-01 to 2100-01-01), "
            "which stop the migrations that add its check constraints.",
        )

    def handle(self, *args, database: bool = False, **options):
        found = 0
        for row in rows_outside(windowed_columns(), rolling=not database):
            self.stdout.write(str(row))
            found += 1
        if found:
            raise CommandError(
                ngettext(
                    "%(n)s row lies outside the window; correct or delete it.",
                    "%(n)s rows lie outside the window; correct or delete them.",
                    found,
                )
                % {"n": found},
                returncode=1,
            )
        self.stdout.write("No row lies outside the window.")
