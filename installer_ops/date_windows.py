"""Which columns hold a date window, and which rows lie outside it.

A column is windowed when its model field carries one of the value rules'
validators (installer_ops/values.py), so the list never drifts from the
models. Used by `manage.py dates_out_of_window` (an installation repairs
what it lists) and by the migrations that add the window's check
constraints: they refuse to run, naming the command, while rows outside
would make the constraint fail half-way."""

import dataclasses
import datetime
from collections.abc import Iterator
from itertools import islice

from django.apps import apps as django_apps
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from . import values

KINDS = (
    (values.validate_plausible_date, "date"),
    (values.validate_plausible_datetime, "datetime"),
    (values.validate_device_time, "device"),
)


@dataclasses.dataclass(frozen=True)
class Column:
    model: type
    field: str
    kind: str  # date | datetime | device

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model.__name__}.{self.field}"


@dataclasses.dataclass(frozen=True)
class OutsideRow:
    column: Column
    pk: object
    value: str

    def __str__(self) -> str:
        return f"{self.column.label} pk={self.pk}: {self.value}"


def windowed_columns(app_registry=django_apps, app_label: str | None = None) -> list[Column]:
    """Every windowed column of the models (historical ones in a migration)."""
    columns = []
    configs = [app_registry.get_app_config(app_label)] if app_label else app_registry.get_app_configs()
    for config in configs:
        for model in config.get_models():
            for field in model._meta.concrete_fields:
                for rule, kind in KINDS:
                    if any(validator is rule for validator in field.validators):
                        columns.append(Column(model, field.name, kind))
    return columns


def _bounds(column: Column, *, rolling: bool, today: datetime.date | None) -> Q:
    if column.kind == "device":
        return values.device_time_q(column.field)
    if not rolling:
        return values.window_q(column.field, is_datetime=column.kind == "datetime")
    low, high = values.WINDOW_START, values.window_end(today) + datetime.timedelta(days=1)
    if column.kind == "datetime":
        low = datetime.datetime.combine(low, datetime.time(), tzinfo=datetime.UTC)
        high = datetime.datetime.combine(high, datetime.time(), tzinfo=datetime.UTC)
    return Q(**{f"{column.field}__gte": low, f"{column.field}__lt": high})


def rows_outside(
    columns: list[Column], *, rolling: bool = True, today: datetime.date | None = None
) -> Iterator[OutsideRow]:
    """Rows whose value lies outside the window: the rolling one (2000-01-01
    to five years ahead) or the database's fixed one. Values are read as
    text, since one beyond what Python's dates hold must still be listed."""
    for column in columns:
        rows = (
            column.model._default_manager.filter(**{f"{column.field}__isnull": False})
            .exclude(_bounds(column, rolling=rolling, today=today))
            .annotate(window_value=Cast(column.field, CharField()))
            .order_by("pk")
            .values_list("pk", "window_value")
        )
        for pk, value in rows.iterator():
            yield OutsideRow(column, pk, value)


def refuse_rows_outside(app_label: str):
    """A migration step: stop before adding the window's constraints when
    rows already lie outside the database's window."""

    def check(apps, schema_editor):
        found = list(islice(rows_outside(windowed_columns(apps, app_label), rolling=False), 10))
        if found:
            listed = "\n".join(f"  {row}" for row in found)
            raise RuntimeError(
                f"Rows of {app_label} lie outside the dates the database now holds (2000-01-01 to 2100-01-01):\n"
                f"{listed}\nList them all with `manage.py dates_out_of_window --database`, "
                "correct or delete them, then migrate again."
            )

    return check
