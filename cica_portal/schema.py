"""The OpenAPI schema describes every error an operation can answer, not only its success.

DRF answers 400 (bad input, keyed by field), 401/403 (no or insufficient rights), 404 (missing,
or not yours to see), 405, 409 (wrong state) and 429 (throttled) from any view; documenting them
once here keeps every operation honest without repeating them on each view.
"""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, for a person to read.")


class ValidationErrorSerializer(serializers.Serializer):
    """Messages keyed by the name of the field they concern ("detail" or "non_field_errors"
    for the request as a whole)."""

    detail = serializers.CharField(required=False)
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


ERRORS = {
    "400": (ValidationErrorSerializer, "Bad input: messages keyed by field name."),
    "401": (ErrorDetailSerializer, "No valid credentials."),
    "403": (ErrorDetailSerializer, "Not allowed for this user."),
    "404": (ErrorDetailSerializer, "Missing, or not yours to see."),
    "409": (ErrorDetailSerializer, "The object is not in a state that allows this."),
    "429": (ErrorDetailSerializer, "Too many requests; try again later."),
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (serializer, description) in ERRORS.items():
            if code not in responses:
                response = self._get_response_for_code(serializer, code)
                response["description"] = description
                responses[code] = response
        return responses


# Query parameters whose choices name a value that must be given (not a filter of a list).
REQUIRED_CHOICE_PARAMETERS = {"purpose"}


def empty_filter_means_any(result: dict, generator: object, request: object, public: bool) -> dict:
    """A list's filter left empty (`?status=`, as the pages' filter forms send "any") filters
    nothing: say so in the schema, so that a client knows it may send it and the schema does not
    claim that an empty filter is refused."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and "enum" in schema
                    and parameter["name"] not in REQUIRED_CHOICE_PARAMETERS
                    and "" not in schema["enum"]
                ):
                    schema["enum"] = [*schema["enum"], ""]
                    parameter["description"] = (
                        parameter.get("description", "") + " Empty: any."
                    ).strip()
    return result
