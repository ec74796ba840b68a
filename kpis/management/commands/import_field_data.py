"""python manage.py import_field_data DIR (docs/architecture.md, Field-data import)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from installer_ops.audit import audit_source
from kpis.importing import ImportRefused, field_data_import, read_directory


class Command(BaseCommand):
    help = "Import the field-data CSV files found in DIR, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        try:
            # Read as bytes: the importer decodes them, naming the line of a byte that is not UTF-8.
            files = read_directory(directory)
        except OSError as exc:
            raise CommandError(f"{exc.filename}: cannot be read ({exc.strerror})") from exc
        if not files:
            raise CommandError(f"{directory} holds none of the import files (pods.csv, installers.csv, ...)")
        try:
            with audit_source("import"):
                report = field_data_import(actor=None, files=files)
        except ImportRefused as refused:
            for error in refused.errors:
                self.stderr.write(f"{directory / error.file}:{error.line}: {error.column}: {error.reason}")
            count = len(refused.errors)
            raise CommandError(
                ngettext("%(n)s error; nothing was imported.", "%(n)s errors; nothing was imported.", count)
                % {"n": count}
            ) from refused
        for label in sorted(set(report.created) | set(report.updated) | set(report.unchanged)):
            self.stdout.write(
                f"{label}: {report.created[label]} created, {report.updated[label]} updated, "
                f"{report.unchanged[label]} unchanged"
            )
