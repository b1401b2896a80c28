"""A short, seeded schemathesis run over the whole API of a live server: no 5xx, and every
response (errors included) matches what the OpenAPI document says. About a minute; deselect
with `-m "not fuzz"`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e._kefu import KefuServer

pytestmark = [pytest.mark.fuzz, pytest.mark.slow]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
_auth: dict[str, Any] = {}


def _post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = Request(base + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as response:
        data: dict[str, Any] = json.loads(response.read())
    return data


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KefuServer]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    running = KefuServer("fuzz", f"sqlite:///{workdir / 'kefu.db'}", workdir, demo=True)
    running.start()
    try:
        login = {"email": "admin@kefu.local", "password": "kefu-demo-2026"}
        _auth["admin"] = _post(running.base_url, "/api/v1/agent/login", login)["token"]
        _auth["customer"] = _post(running.base_url, "/api/v1/public/conversations", {})
        yield running
    finally:
        running.close()


def _prepare(case: schemathesis.Case) -> bool:
    """Sends each case as someone who may call it; False: not worth sending."""
    path = case.path
    if case.method.upper() == "DELETE" and path.startswith("/api/v1/admin/customers"):
        return False  # erasing is tested on its own; here it would only empty the data
    headers = dict(case.headers or {})
    if path.startswith("/api/v1/public/conversations/{conversation_id}"):
        customer = _auth["customer"]
        case.path_parameters = {
            **(case.path_parameters or {}),
            "conversation_id": customer["conversation_id"],
        }
        headers["Authorization"] = f"Bearer {customer['customer_token']}"
    elif not path.startswith("/api/v1/public"):
        headers["Authorization"] = f"Bearer {_auth['admin']}"
    case.headers = headers
    return True


def test_the_api_keeps_its_documented_promises(server: KefuServer) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:

        @settings(
            max_examples=6,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            if _prepare(case):
                case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect them all: one report names every broken promise
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)
