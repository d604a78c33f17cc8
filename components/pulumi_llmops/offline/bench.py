"""`llmops bench-job`: the benchmark Job and its claim as the stack program registers them.

The manifests come from the plan's recording (the very program `pulumi up` runs), not from a
second builder, so what is printed is what would be applied.
"""

from __future__ import annotations

from typing import Any

import yaml

from .recording import Recording, Secret, Unknown

_TYPES = (
    "kubernetes:core/v1:PersistentVolumeClaim",
    "kubernetes:batch/v1:Job",
)
BENCHMARK_TYPE = "llmops:serving:BenchmarkJob"


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the engine records every integer as a float
    if isinstance(value, (Secret, Unknown)):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def benchmark_manifests(recording: Recording) -> str:
    """The claim and Job of every BenchmarkJob as a YAML stream ('' when there is none)."""
    components = {r.urn for r in recording.of_type(BENCHMARK_TYPE)}
    documents = []
    for type_ in _TYPES:
        for resource in recording.of_type(type_):
            if resource.parent not in components:
                continue
            group_version, kind = type_.removeprefix("kubernetes:").split(":")
            group, version = group_version.split("/")
            documents.append(
                {
                    "apiVersion": version if group == "core" else group_version,
                    "kind": kind,
                    **_plain(dict(resource.inputs)),
                }
            )
    if not documents:
        return ""
    return yaml.safe_dump_all(documents, sort_keys=True)
