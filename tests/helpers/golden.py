"""Golden files: values or manifests a reviewer reads as YAML, compared byte for byte.

`LLMOPS_UPDATE_GOLDEN=1 make test` rewrites them; the diff is then the review.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

UPDATE = os.environ.get("LLMOPS_UPDATE_GOLDEN") == "1"


def dump(values: Any) -> str:
    """Deterministic YAML: sorted keys, block style."""
    return yaml.safe_dump(values, sort_keys=True, default_flow_style=False)


def check_golden(directory: Path, name: str, values: Any) -> None:
    """`values` as YAML equals `<directory>/<name>.yaml` (written first when updating)."""
    path = directory / f"{name}.yaml"
    text = dump(values)
    if UPDATE:
        path.write_text(text)
    assert path.is_file(), f"{path} missing (LLMOPS_UPDATE_GOLDEN=1 writes it)"
    assert text == path.read_text(), f"{path.name} differs (LLMOPS_UPDATE_GOLDEN=1 rewrites it)"
