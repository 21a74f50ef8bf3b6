"""Migration operations that only make sense on one database backend."""

from django.db.migrations.operations.base import Operation


class PostgresOnly(Operation):
    """Run a wrapped schema operation on PostgreSQL and do nothing elsewhere.

    The migration state is left untouched, so the wrapped constraint is not part
    of any model's Meta and `makemigrations --check` stays clean on every backend.
    Used for the hall-overlap `ExclusionConstraint`, which SQLite cannot express.
    """

    reversible = True

    def __init__(self, operation: Operation):
        self.operation = operation

    def deconstruct(self):
        return self.__class__.__qualname__, [self.operation], {}

    def state_forwards(self, app_label, state):
        """The wrapped operation changes the database only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.operation.migration_name_fragment}_postgres"
