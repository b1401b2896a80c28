"""The OpenAPI document, made to tell the truth about errors.

Every operation documents the error statuses the error handlers can return, each with the
one error shape they all use (`{"error": {"code", "message"}}`); FastAPI's default 422
(`detail` as an array) is replaced, because `kefu.web.errors` never returns that.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
ERRORS = {
    "400": "Malformed request (the body is not JSON, say)",
    "401": "No token, or a token that is expired, revoked or for someone else",
    "403": "The caller may not do this",
    "404": "Not found (or not visible to the caller)",
    "409": "Conflicts with the current state",
    "413": "The body is too large",
    "422": "Invalid input: the message names the field and the problem",
    "429": "Too many requests: wait for Retry-After seconds",
}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "Stable, machine-readable"},
            "message": {"type": "string", "description": "For people"},
        },
    },
    "ErrorResponse": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"$ref": "#/components/schemas/Error"}},
    },
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}


def _document_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for status, description in ERRORS.items():
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": ERROR_REF}},
        }
        if status == "429":
            response["headers"] = RETRY_AFTER
        responses[status] = response


def install(app: FastAPI, *, extra: dict[str, dict[str, Any]] | None = None) -> None:
    """`extra` maps "METHOD path" to response documentation added as it is (other content
    types, say)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components.update(SCHEMAS)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                _document_errors(operation)
                for status, doc in (extra or {}).get(f"{method.upper()} {path}", {}).items():
                    operation["responses"][status] = doc
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
