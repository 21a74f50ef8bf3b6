"""Bulk people: users with their roles, memberships and profiles, and mentor–mentee assignments.

import-export drives the preview (new / updated / unchanged / errors per row)
and the transaction; the rules and the bulk writes live in
`registry.services.imports`, so the admin only wires them up.
"""

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from ..services import imports


class FileError(Exception):
    """Something wrong with the file as a whole; the message is safe to show."""


class _BulkPlanResource(resources.Resource):
    """A resource whose rows are checked by a plan from `services.imports` and written by it at the end."""

    required_columns: tuple[str, ...] = ()
    known_columns: tuple[str, ...] = ()

    @classmethod
    def get_display_name(cls) -> str:
        return cls._meta.name

    def before_import(self, dataset, **kwargs):
        dataset.headers = [imports.cell_text(header).lower() for header in dataset.headers or []]
        problem = imports.check_columns(dataset.headers, required=self.required_columns, known=self.known_columns)
        blank = [i for i, row in enumerate(dataset) if not any(imports.cell_text(cell) for cell in row)]
        for index in reversed(range(len(dataset)) if problem else blank):
            del dataset[index]
        if problem:
            self.plan = None
            raise FileError(problem)
        rows = [dict(zip(dataset.headers, row, strict=False)) for row in dataset]
        self.plan = self.make_plan(rows, actor=kwargs["user"])

    def make_plan(self, rows, *, actor):
        raise NotImplementedError

    def save_instance(self, instance, is_create, row, **kwargs):
        self.plan.accept(instance)

    def after_import(self, dataset, result, **kwargs):
        """Write only a file without errors, and only on confirmation: the preview's checks cover every rule."""
        if self.plan is None or self._is_dry_run(kwargs) or result.has_errors() or result.has_validation_errors():
            return
        saved = self.plan.apply()
        for row_result in result.rows:
            if row_result.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
                row_result.instance = saved[row_result.object_repr]
                row_result.object_id = row_result.instance.pk


class PersonResource(_BulkPlanResource):
    """Columns of fixtures/users.csv; people are matched by email, case-insensitively, and never duplicated."""

    required_columns = imports.PEOPLE_REQUIRED_COLUMNS
    known_columns = imports.PEOPLE_COLUMNS

    email = fields.Field(attribute="email", column_name="email")
    first_name = fields.Field(attribute="first_name", column_name="first_name")
    last_name = fields.Field(attribute="last_name", column_name="last_name")
    role = fields.Field(attribute="role", column_name="role")
    organization = fields.Field(attribute="organization", column_name="organization")
    membership_role = fields.Field(attribute="membership_role", column_name="membership_role")
    usn = fields.Field(attribute="usn", column_name="usn")
    department = fields.Field(attribute="department", column_name="department")
    semester = fields.Field(attribute="semester", column_name="semester")
    employee_id = fields.Field(attribute="employee_id", column_name="employee_id")
    mentor_email = fields.Field(attribute="mentor_email", column_name="mentor_email")
    is_staff = fields.Field(attribute="is_staff", column_name="is_staff")

    class Meta:
        name = "People (users, roles, memberships, student and mentor profiles)"
        import_id_fields = ["email"]
        instance_loader_class = BaseInstanceLoader  # rows are matched by the plan's own lookups
        use_bulk = True
        skip_unchanged = True
        report_skipped = True

    def make_plan(self, rows, *, actor):
        return imports.PeopleImport(rows, actor=actor)

    def get_instance(self, instance_loader, row):
        return self.plan.current(row)

    def init_instance(self, row=None):
        return imports.Person()

    def import_instance(self, instance, row, **kwargs):
        errors = self.plan.check(kwargs["row_number"], row, instance)
        if errors:
            raise ValidationError(errors)


class MenteeAssignmentResource(_BulkPlanResource):
    """mentor_email plus the student's email or USN: who mentors whom."""

    required_columns = ("mentor_email",)
    known_columns = imports.MENTEE_COLUMNS

    student = fields.Field(attribute="student", column_name="student")
    mentor_email = fields.Field(attribute="mentor_email", column_name="mentor_email")

    class Meta:
        name = "Mentor assignments (mentor_email, student_email or usn)"
        import_id_fields = []
        instance_loader_class = BaseInstanceLoader  # rows are matched by the plan's own lookups
        use_bulk = True
        skip_unchanged = True
        report_skipped = True

    def make_plan(self, rows, *, actor):
        return imports.MenteeImport(rows, actor=actor)

    def get_instance(self, instance_loader, row):
        return self.plan.current(row)

    def init_instance(self, row=None):
        return imports.Mentee()

    def import_instance(self, instance, row, **kwargs):
        errors = self.plan.check(kwargs["row_number"], row, instance)
        if errors:
            raise ValidationError(errors)
