"""The training memory model: GPU memory of one fine-tuning run, term by term, and the
fewest GPUs of one node that hold it.

Per GPU, for a run sharded over N GPUs with FSDP (ZeRO stage 3: weights, gradients and
optimizer state split N ways; activations are per GPU):

- weights: every parameter in 16 bits, 2 bytes x P, / N;
- gradients: 2 bytes x trainable parameters T, / N;
- optimizer: mixed-precision AdamW keeps an fp32 master copy, first and second moments of
  every trainable parameter, 12 bytes x T, / N (ZeRO, Rajbhandari et al. 2020, sec. 3.1:
  2 + 2 + 12 = 16 bytes per trained parameter);
- activations: per layer 34 x s x b x h bytes (Korthikanti et al. 2022, "Reducing
  Activation Recomputation in Large Transformer Models", eq. 1 without the attention-score
  term 5as/h, which FlashAttention never stores); with gradient checkpointing only each
  layer's 2 x s x b x h input is kept plus one layer recomputed; plus the logits,
  6 x s x b x V (16-bit logits and their fp32 upcast for the loss);
- overhead: the CUDA context (0.5 GiB), NCCL buffers when N > 1 (0.5 GiB), and 10% of
  the rest for the caching allocator's fragmentation.

T is P for full fine-tuning; for LoRA (Hu et al. 2021) it is r x (d_in + d_out) summed over
every linear projection of every layer (q, k, v, o, gate, up, down: r x (9h + 2kv + 3i)
per layer). Unknown shapes are estimated like the serving model does: h = 128 x layers and
P = 12 x layers x h^2, kv = h (multi-head, conservative), i = 4h, V = 152,064.
Pure: no Pulumi. docs/finetuning.md documents each term.
"""

from __future__ import annotations

from dataclasses import dataclass

GIB = 2**30
BYTES_16BIT = 2
OPTIMIZER_BYTES_PER_PARAM = 12
"""fp32 master weights + AdamW first and second moments (4 + 4 + 4 bytes)."""
ACTIVATION_BYTES_PER_LAYER_TOKEN_HIDDEN = 34
CHECKPOINT_BYTES_PER_LAYER_TOKEN_HIDDEN = 2
LOGIT_BYTES_PER_TOKEN_VOCAB = 6
CUDA_CONTEXT_GIB = 0.5
NCCL_GIB = 0.5
FRAGMENTATION = 0.10
FALLBACK_VOCAB = 152_064
_HIDDEN_PER_LAYER = 128
GPU_COUNTS = (1, 2, 4, 8)


@dataclass(frozen=True)
class TrainingShape:
    """What the model needs about the network: counts, not billions (None: estimated)."""

    params: float
    num_layers: int | None = None
    hidden_size: int | None = None
    intermediate_size: int | None = None
    kv_size: int | None = None
    vocab_size: int | None = None

    def resolved(self) -> tuple[int, int, int, int, int]:
        """(layers, hidden, intermediate, kv width, vocab), estimating what is unset."""
        layers = self.num_layers
        hidden = self.hidden_size
        if layers is None:
            if hidden is not None:
                layers = max(1, round(self.params / (12 * hidden**2)))
            else:
                layers = max(1, round((self.params / (12 * _HIDDEN_PER_LAYER**2)) ** (1 / 3)))
        if hidden is None:
            hidden = _HIDDEN_PER_LAYER * layers
        intermediate = self.intermediate_size or 4 * hidden
        kv = self.kv_size or hidden
        return layers, hidden, intermediate, kv, self.vocab_size or FALLBACK_VOCAB


@dataclass(frozen=True)
class TrainingRun:
    """The run's knobs that change its memory."""

    method: str  # lora | full
    seq_len: int
    micro_batch_size: int
    gradient_checkpointing: bool = True
    lora_rank: int = 16


@dataclass(frozen=True)
class TrainingNeed:
    """GPU memory of one GPU of a run over `gpus` GPUs, GiB per term."""

    gpus: int
    trainable_params: float
    weights_gib: float
    gradients_gib: float
    optimizer_gib: float
    activations_gib: float
    overhead_gib: float

    @property
    def total_gib(self) -> float:
        return round(
            self.weights_gib
            + self.gradients_gib
            + self.optimizer_gib
            + self.activations_gib
            + self.overhead_gib,
            2,
        )

    def terms(self) -> dict[str, float]:
        return {
            "weights_gib": self.weights_gib,
            "gradients_gib": self.gradients_gib,
            "optimizer_gib": self.optimizer_gib,
            "activations_gib": self.activations_gib,
            "overhead_gib": self.overhead_gib,
            "total_gib": self.total_gib,
        }


def trainable_params(shape: TrainingShape, run: TrainingRun) -> float:
    """T: every parameter for full fine-tuning; LoRA's A and B matrices otherwise."""
    if run.method == "full":
        return shape.params
    layers, hidden, intermediate, kv, _ = shape.resolved()
    per_layer = run.lora_rank * (9 * hidden + 2 * kv + 3 * intermediate)
    return float(per_layer * layers)


def activation_bytes(shape: TrainingShape, run: TrainingRun) -> float:
    """Activations of one micro-batch on one GPU (not sharded)."""
    layers, hidden, _, _, vocab = shape.resolved()
    tokens = run.seq_len * run.micro_batch_size
    full_layer = ACTIVATION_BYTES_PER_LAYER_TOKEN_HIDDEN * tokens * hidden
    if run.gradient_checkpointing:
        kept = layers * CHECKPOINT_BYTES_PER_LAYER_TOKEN_HIDDEN * tokens * hidden + full_layer
    else:
        kept = layers * full_layer
    return kept + LOGIT_BYTES_PER_TOKEN_VOCAB * tokens * vocab


def training_need(shape: TrainingShape, run: TrainingRun, gpus: int) -> TrainingNeed:
    """Memory of one GPU of the run sharded over `gpus` GPUs."""
    trained = trainable_params(shape, run)
    weights = BYTES_16BIT * shape.params / gpus / GIB
    gradients = BYTES_16BIT * trained / gpus / GIB
    optimizer = OPTIMIZER_BYTES_PER_PARAM * trained / gpus / GIB
    activations = activation_bytes(shape, run) / GIB
    fixed = CUDA_CONTEXT_GIB + (NCCL_GIB if gpus > 1 else 0.0)
    overhead = fixed + FRAGMENTATION * (weights + gradients + optimizer + activations)
    return TrainingNeed(
        gpus=gpus,
        trainable_params=trained,
        weights_gib=round(weights, 2),
        gradients_gib=round(gradients, 2),
        optimizer_gib=round(optimizer, 2),
        activations_gib=round(activations, 2),
        overhead_gib=round(overhead, 2),
    )


def fewest_gpus(
    shape: TrainingShape, run: TrainingRun, gpu_memory_gib: float, gpus_per_node: int
) -> TrainingNeed | None:
    """The smallest GPU count (1, 2, 4, 8; at most one node's) whose per-GPU need fits in
    `gpu_memory_gib`; None when no single node holds the run."""
    for gpus in GPU_COUNTS:
        if gpus > gpus_per_node:
            break
        need = training_need(shape, run, gpus)
        if need.total_gib <= gpu_memory_gib:
            return need
    return None
