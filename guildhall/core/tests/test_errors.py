"""One error contract: a model's ValidationError becomes the one domain error."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import SimpleTestCase

from guildhall.core.errors import DomainError, domain_errors, from_validation_error
from guildhall.orgs.models import Organization


class FromValidationErrorTest(SimpleTestCase):
    def test_it_names_the_first_fields_first_message_and_keeps_every_message(self):
        error = from_validation_error(ValidationError({
            "name": ["Give a name.", "Too long."], "code": ["Taken."]}))
        self.assertEqual((error.code, error.status, error.field, str(error)),
                         ("invalid", 400, "name", "Give a name."))
        self.assertEqual(error.errors, {"name": ["Give a name.", "Too long."], "code": ["Taken."]})

    def test_an_error_of_the_whole_object_has_no_field(self):
        error = from_validation_error(ValidationError({NON_FIELD_ERRORS: ["Ends before it starts."]}))
        self.assertEqual((error.field, str(error)), (None, "Ends before it starts."))
        error = from_validation_error(ValidationError(["First.", "Second."]))
        self.assertEqual((error.field, str(error)), (None, "First."))
        self.assertEqual(error.errors, {NON_FIELD_ERRORS: ["First.", "Second."]})

    def test_it_formats_parameters_and_renames_fields(self):
        error = from_validation_error(
            ValidationError({"starts_at": ValidationError("At most %(n)d days.", params={"n": 3})}),
            code="bad_dates", renames={"starts_at": "start"})
        self.assertEqual((error.code, error.field, str(error)), ("bad_dates", "start", "At most 3 days."))


class DomainErrorsTest(SimpleTestCase):
    def test_it_turns_full_clean_into_a_domain_error(self):
        with self.assertRaises(DomainError) as ctx:
            with domain_errors():
                Organization(name="", code="x", kind=Organization.Kind.ASSOCIATION).full_clean(
                    exclude=["parent", "path"], validate_unique=False, validate_constraints=False)
        self.assertEqual((ctx.exception.code, ctx.exception.field), ("invalid", "name"))
        self.assertIsInstance(ctx.exception.__cause__, ValidationError)
        self.assertIn("name", ctx.exception.errors)

    def test_it_decorates_a_service(self):
        @domain_errors(code="bad_url")
        def record(url):
            raise ValidationError({"url": "Enter a valid URL."})

        for _ in range(2):  # a decorator is reusable
            with self.assertRaises(DomainError) as ctx:
                record("x")
            self.assertEqual((ctx.exception.code, ctx.exception.field), ("bad_url", "url"))

    def test_other_errors_pass_through_unchanged(self):
        refused = DomainError("No.", "no", status=409)
        with self.assertRaises(DomainError) as ctx:
            with domain_errors():
                raise refused
        self.assertIs(ctx.exception, refused)
        with self.assertRaises(KeyError):
            with domain_errors():
                raise KeyError("x")
