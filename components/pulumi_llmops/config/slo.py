"""`models.<name>.slo` and `catalog.throughput`: latency and load targets, and the
throughput rows that size a model against them.

SLO sizing picks a pool, tensor-parallel degree and replica count from the catalogue's
throughput table (`catalog/data/throughput.yaml`, see docs/slo-sizing.md); without an
`slo` a model is sized on memory alone, as before.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..catalog.throughput import ThroughputRow
from .base import Spec
from .errors import Problem, raise_if_any


class SloSpec(Spec):
    """A model's service-level objective: latency per request and the load to carry."""

    requests_per_second: float = Field(
        gt=0,
        le=1_000_000,
        allow_inf_nan=False,
        description="Requests per second the model must serve at the latency targets "
        "(all replicas together). Required.",
    )
    ttft_ms: float | None = Field(
        None,
        gt=0,
        le=600_000,
        allow_inf_nan=False,
        description="Time to first token per request, milliseconds. Unset: not constrained.",
    )
    tpot_ms: float | None = Field(
        None,
        gt=0,
        le=60_000,
        allow_inf_nan=False,
        description="Time per output token (inter-token latency) per request, milliseconds. "
        "Give this or tokens_per_second.",
    )
    tokens_per_second: float | None = Field(
        None,
        gt=0,
        le=100_000,
        allow_inf_nan=False,
        description="Output tokens per second each request must see (1000 / tpot_ms). Give "
        "this or tpot_ms.",
    )
    input_tokens: int = Field(
        1000,
        ge=1,
        le=2_097_152,
        description="Prompt tokens of a typical request (TTFT scales with it).",
    )
    output_tokens: int = Field(
        200,
        ge=1,
        le=2_097_152,
        description="Output tokens of a typical request: requests_per_second x output_tokens "
        "is the output token rate to serve.",
    )

    @model_validator(mode="after")
    def _one_decode_target(self) -> SloSpec:
        if (self.tpot_ms is None) == (self.tokens_per_second is None):
            raise_if_any([Problem("", "set exactly one of tpot_ms or tokens_per_second")])
        return self

    @property
    def tpot_limit_ms(self) -> float:
        """The TPOT target in ms, from tpot_ms or tokens_per_second."""
        if self.tpot_ms is not None:
            return self.tpot_ms
        return 1000.0 / self.tokens_per_second  # type: ignore[operator]

    @property
    def output_tokens_per_second(self) -> float:
        """The output token rate all replicas together must deliver."""
        return self.requests_per_second * self.output_tokens


class OperatingPointSpec(Spec):
    """Time per output token and time to first token at one load (ms)."""

    tpot_ms: float = Field(gt=0, le=60_000, allow_inf_nan=False, description="Required.")
    ttft_ms: float = Field(gt=0, le=600_000, allow_inf_nan=False, description="Required.")


class LoadedPointSpec(OperatingPointSpec):
    """The loaded operating point: requests in flight and the replica's output rate."""

    concurrency: int = Field(ge=2, le=100_000, description="Requests in flight. Required.")
    output_tokens_per_second: float = Field(
        gt=0,
        le=10_000_000,
        allow_inf_nan=False,
        description="Output tokens per second of one replica at that load. Required.",
    )


class ThroughputRowSpec(Spec):
    """A throughput row (e.g. measured with a benchmark job) replacing the built-in row with
    the same gpu, precision, size_class and tensor_parallel, or adding one."""

    gpu: str = Field(
        min_length=1, max_length=40, description="GPU model, any catalogue spelling. Required."
    )
    precision: Literal["bf16", "fp8", "int4"] = Field(
        description="bf16 (any 16-bit checkpoint), fp8 or int4 (AWQ/GPTQ). Required."
    )
    size_class: Literal["8b", "32b", "70b"] = Field(
        description="Dense models up to 10, 35 or 80 billion parameters. Required."
    )
    tensor_parallel: Literal[1, 2, 4, 8] = Field(description="GPUs per replica. Required.")
    input_tokens: int = Field(ge=1, le=2_097_152, description="Prompt tokens measured. Required.")
    output_tokens: int = Field(ge=1, le=2_097_152, description="Output tokens measured. Required.")
    single_stream: OperatingPointSpec = Field(description="One request at a time. Required.")
    loaded: LoadedPointSpec = Field(description="Many requests in flight. Required.")
    basis: Literal["measured", "estimate"] = Field(
        "measured", description="measured (a benchmark) or estimate."
    )
    source: str = Field(
        min_length=1, max_length=300, description="Where the figures come from. Required."
    )
    date: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$", description="YYYY-MM(-DD). Required.")

    @model_validator(mode="after")
    def _ordered(self) -> ThroughputRowSpec:
        problems = []
        if self.loaded.tpot_ms < self.single_stream.tpot_ms:
            problems.append(
                Problem(
                    "loaded.tpot_ms",
                    f"must be >= single_stream.tpot_ms ({self.single_stream.tpot_ms:g}): "
                    "more requests in flight never decode faster",
                    self.loaded.tpot_ms,
                )
            )
        if self.loaded.output_tokens_per_second * self.single_stream.tpot_ms < 1000:
            problems.append(
                Problem(
                    "loaded.output_tokens_per_second",
                    f"must be >= one stream's {1000 / self.single_stream.tpot_ms:.1f} tokens/s",
                    self.loaded.output_tokens_per_second,
                )
            )
        raise_if_any(problems)
        return self

    def to_row(self, gpu: str) -> ThroughputRow:
        """The catalogue row, with `gpu` the canonical GPU model name."""
        return ThroughputRow(
            gpu=gpu,
            precision=self.precision,
            size_class=self.size_class,
            tensor_parallel=self.tensor_parallel,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            single_tpot_ms=self.single_stream.tpot_ms,
            single_ttft_ms=self.single_stream.ttft_ms,
            loaded_concurrency=self.loaded.concurrency,
            loaded_tpot_ms=self.loaded.tpot_ms,
            loaded_ttft_ms=self.loaded.ttft_ms,
            loaded_tokens_per_second=self.loaded.output_tokens_per_second,
            basis=self.basis,
            source=f"catalog.throughput: {self.source}",
            date=self.date,
        )
