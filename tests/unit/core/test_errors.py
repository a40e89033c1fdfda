"""One error root, and the texts of API errors (what a user reads when a call fails)."""

import pytest

from ansible_collections.contentstack.personalize.plugins.module_utils.errors import (
    PersonalizeApiError,
    PersonalizeError,
    PersonalizeInputError,
    PersonalizeResponseLost,
    format_errors,
    scalar_text,
)


def test_one_root():
    for cls in (PersonalizeInputError, PersonalizeApiError, PersonalizeResponseLost):
        assert issubclass(cls, PersonalizeError)
    assert issubclass(PersonalizeResponseLost, PersonalizeApiError)


def test_an_api_error_names_method_path_status_and_the_fields():
    exc = PersonalizeApiError("POST", "/audiences", 422, "Validation failed",
                              errors={"name": ["is required", {"message": "too short"}], "rules": 3})
    assert str(exc) == "POST /audiences returned 422: Validation failed (name: is required, too short; rules: 3)"
    assert exc.code is None
    assert repr(exc) == "PersonalizeApiError('POST', '/audiences', 422, 'Validation failed')"
    assert str(PersonalizeApiError("GET", "/x", 500, "")) == "GET /x returned 500: (no message)"
    assert str(PersonalizeApiError("GET", "/x", None, None)) == "GET /x failed: no response"
    assert str(PersonalizeApiError("GET", "/x", 400, None, errors=["a", "b"])) == "GET /x returned 400: a; b"
    # the fields are not repeated when the message already holds them
    assert str(PersonalizeApiError("GET", "/x", 400, "bad: a", errors="a")) == "GET /x returned 400: bad: a"


@pytest.mark.parametrize("message, code", [
    ("personalize.AUDIENCES.DUPLICATE_NAME", "personalize.AUDIENCES.DUPLICATE_NAME"),
    ("personalization.PROJECTS.LIMIT_EXCEEDED", "personalization.PROJECTS.LIMIT_EXCEEDED"),
    ("personalize audiences duplicate", None),
    (None, None),
])
def test_the_dotted_code(message, code):
    assert PersonalizeApiError("POST", "/x", 409, message).code == code


def test_texts_of_odd_values():
    assert format_errors({"a": "x"}) == "a: x" and format_errors("plain") == "plain"
    assert scalar_text({"error": "e"}) == "e" and scalar_text({"other": 1}) == '{"other": 1}'
    assert scalar_text(object).startswith("<class")
