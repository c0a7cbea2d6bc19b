"""`__in` on integer columns leaves out numbers no such column can hold.

Django drops an out-of-range number from `exact`, `gt`, `lt` and the like (it cannot match),
but `__in` sends it to the database, and SQLite refuses a number past 64 bits with an
OverflowError: a 500 for any form whose choices are looked up by id (a checkbox list, the
admin's many-to-many widgets) when someone posts 99999999999999999999. Registered for
IntegerField and so for every integer and auto field, as Django registers its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import IntegerField
from django.db.models.lookups import In

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


@IntegerField.register_lookup
class IntegerFieldIn(In):
    lookup_name = "in"

    def process_rhs(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, Any]:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)  # an empty list finds nothing
