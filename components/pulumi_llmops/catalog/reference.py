"""Reference models: published shapes and checkpoint sizes of popular open LLMs.

Data: `catalog/data/models.yaml` (sources per row), read on first use. The sizing benchmark
and the memory-model tests size these; a stack can copy a row's `architecture` into
`models.<name>.architecture`. Pure: no Pulumi.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from .formats import normalize_precision
from .gpus import GIB, CatalogError, read_data_file
from .sizing import ModelShape


@dataclass(frozen=True)
class ReferenceModel:
    """One published model: `published_gib` maps a format to its read checkpoint size."""

    repo: str
    kind: str
    params: float
    params_source: str
    context: int
    architecture: dict[str, Any]
    architecture_source: str
    formats: tuple[str, ...]
    published_gib: dict[str, tuple[float, str]]

    def shape(self, precision: str, *, published: bool = True) -> ModelShape:
        """The memory model's shape in `precision`; the published size wins when `published`.

        fp16 and bf16 are the same size: a model published in one can be sized in the other.
        """
        precision = normalize_precision(precision)
        twin = {"bf16": "fp16", "fp16": "bf16"}.get(precision)
        if precision not in self.formats and twin not in self.formats:
            raise CatalogError(f"{self.repo} is not published in {precision}: {self.formats}")
        arch = dict(self.architecture)
        window = arch.pop("window", None) or {}
        moe = arch.pop("moe", None) or {}
        size = None
        if published:
            size = self.published_gib.get(precision) or self.published_gib.get(twin or "")
        return ModelShape(
            total_params=self.params,
            precision=precision,
            weights_bytes=size[0] * GIB if size else None,
            window_layers=window.get("layers", 0),
            window_tokens=window.get("tokens"),
            moe_experts=moe.get("experts"),
            moe_top_k=moe.get("top_k"),
            moe_intermediate_size=moe.get("intermediate_size"),
            moe_shared_experts=moe.get("shared", 0),
            **arch,
        )


@functools.cache
def reference_models() -> dict[str, ReferenceModel]:
    """Every reference model by repo, in file order."""
    rows = read_data_file("models.yaml").get("models")
    if not isinstance(rows, dict) or not rows:
        raise CatalogError("catalogue data models.yaml: `models` must be a non-empty mapping")
    models = {}
    for repo, row in rows.items():
        checkpoints = row["checkpoints"]
        models[repo] = ReferenceModel(
            repo=repo,
            kind=row["kind"],
            params=float(row["params"]),
            params_source=row["params_source"],
            context=row["context"],
            architecture=dict(row["architecture"]),
            architecture_source=row["architecture_source"],
            formats=tuple(normalize_precision(f) for f in checkpoints),
            published_gib={
                normalize_precision(f): (float(v["published_gib"]), v["source"])
                for f, v in checkpoints.items()
                if v and "published_gib" in v
            },
        )
    return models


def reference_model(repo: str) -> ReferenceModel:
    """The reference model `repo`; `CatalogError` naming the known repos otherwise."""
    models = reference_models()
    if repo not in models:
        raise CatalogError(f"unknown reference model {repo!r}; known: {', '.join(models)}")
    return models[repo]
