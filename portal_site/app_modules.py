"""Find the modules that apps offer by name (`<app>.seed`, `<app>.scale`): the project's
commands (seed_demo, generate_scale_data) find what each app offers this way."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(labels: Iterable[str], name: str) -> list[ModuleType]:
    """`<label>.<name>` of each installed app that has one, in the order given."""
    found = []
    for label in labels:
        if not apps.is_installed(label):
            continue
        try:
            found.append(import_module(f"{label}.{name}"))
        except ModuleNotFoundError as error:
            if error.name != f"{label}.{name}":
                raise
    return found
