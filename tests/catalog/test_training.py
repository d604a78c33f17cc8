"""The training memory model: each term against its formula and published figures."""

from __future__ import annotations

import pytest

from pulumi_llmops.catalog.gpus import get_gpu_model
from pulumi_llmops.catalog.training import (
    GIB,
    TrainingRun,
    TrainingShape,
    activation_bytes,
    fewest_gpus,
    trainable_params,
    training_need,
)

LLAMA_3_8B = TrainingShape(
    params=8.03e9,
    num_layers=32,
    hidden_size=4096,
    intermediate_size=14336,
    kv_size=8 * 128,
    vocab_size=128_256,
)
LORA = TrainingRun("lora", seq_len=2048, micro_batch_size=1)
FULL = TrainingRun("full", seq_len=2048, micro_batch_size=1)


def test_lora_trainable_parameters_match_peft() -> None:
    """PEFT prints `trainable params: 41,943,040` for Llama-3-8B with r=16 on every linear
    projection (q, k, v, o, gate, up, down)."""
    assert trainable_params(LLAMA_3_8B, LORA) == 41_943_040


def test_lora_rank_scales_the_adapter_linearly() -> None:
    assert (
        trainable_params(LLAMA_3_8B, TrainingRun("lora", 2048, 1, lora_rank=64)) == 4 * 41_943_040
    )


def test_full_fine_tuning_trains_every_parameter() -> None:
    assert trainable_params(LLAMA_3_8B, FULL) == 8.03e9


def test_full_fine_tuning_costs_16_bytes_per_parameter_before_activations() -> None:
    """ZeRO's mixed-precision Adam accounting: 2 (weights) + 2 (gradients) + 12 (optimizer)."""
    need = training_need(LLAMA_3_8B, FULL, 1)
    states = need.weights_gib + need.gradients_gib + need.optimizer_gib
    assert states == pytest.approx(16 * 8.03e9 / GIB, abs=0.02)
    assert (need.weights_gib, need.gradients_gib, need.optimizer_gib) == (14.96, 14.96, 89.74)


def test_sharding_divides_states_not_activations() -> None:
    one, eight = training_need(LLAMA_3_8B, FULL, 1), training_need(LLAMA_3_8B, FULL, 8)
    assert eight.optimizer_gib == pytest.approx(one.optimizer_gib / 8, abs=0.01)
    assert eight.activations_gib == one.activations_gib == 2.23


def test_activations_with_and_without_checkpointing() -> None:
    tokens, h, layers, vocab = 2048, 4096, 32, 128_256
    logits = 6 * tokens * vocab
    assert activation_bytes(LLAMA_3_8B, FULL) == 2 * tokens * h * layers + 34 * tokens * h + logits
    eager = TrainingRun("full", 2048, 1, gradient_checkpointing=False)
    assert activation_bytes(LLAMA_3_8B, eager) == 34 * tokens * h * layers + logits


def test_overhead_is_context_nccl_and_fragmentation() -> None:
    one, two = training_need(LLAMA_3_8B, LORA, 1), training_need(LLAMA_3_8B, LORA, 2)
    assert one.overhead_gib == pytest.approx(0.5 + 0.1 * (14.96 + 0.08 + 0.47 + 2.23), abs=0.01)
    assert two.overhead_gib == pytest.approx(1.0 + 0.1 * (7.48 + 0.04 + 0.23 + 2.23), abs=0.01)


@pytest.mark.parametrize(
    ("run", "gpu", "per_node", "gpus"),
    [
        (LORA, "H100", 8, 1),
        (LORA, "L4", 4, 1),  # 20.01 of 22.35 GiB
        (LORA, "T4", 4, 2),
        (FULL, "H100", 8, 2),
        (FULL, "L40S", 8, 4),
        (FULL, "L4", 4, None),  # 4 x L4 cannot hold a full 8B run
    ],
)
def test_fewest_gpus_of_one_node(
    run: TrainingRun, gpu: str, per_node: int, gpus: int | None
) -> None:
    memory = get_gpu_model(gpu).memory_gib
    need = fewest_gpus(LLAMA_3_8B, run, memory, per_node)
    assert (need.gpus if need else None) == gpus


def test_unknown_shapes_are_estimated_like_serving() -> None:
    """h = 128 x layers and P = 12 x layers x h^2: 8e9 parameters -> 34 layers of 4352."""
    assert TrainingShape(params=8e9).resolved() == (34, 4352, 17408, 4352, 152_064)
