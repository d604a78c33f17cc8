"""Generate the `basis: estimate` rows of catalog/data/throughput.yaml from a bandwidth model.

Run `python benchmarks/throughput_estimates.py` and paste its output under `rows:`. The model
(documented in the data file's header) is calibrated on the one measured row the table cites:
NVIDIA NIM 1.8.0, Llama-3.3-70B-Instruct, 2 x H100 80G, FP8, TP2, 5000 input / 500 output
tokens (docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance): concurrency 1 ITL 18.58 ms,
TTFT 406.77 ms; concurrency 25 ITL 38.75 ms, TTFT 688.69 ms, 623.4 output tokens/s.
The bandwidth model gives 17.6 ms and 446 ms for that configuration.
"""

from __future__ import annotations

HBM_GBPS = {  # NVIDIA datasheets, memory bandwidth (GB/s)
    "T4": 320,
    "A10G": 600,
    "L4": 300,
    "L40S": 864,
    "A100-80GB": 2039,
    "H100-80GB": 3350,
    "H200-141GB": 4800,
}
DENSE_TFLOPS = {  # NVIDIA datasheets, dense tensor TFLOPS (16-bit, FP8), no sparsity
    "T4": (65, None),
    "A10G": (125, None),  # the A10's figure; AWS does not publish the A10G's
    "L4": (121, 242),
    "L40S": (362, 733),
    "A100-80GB": (312, None),
    "H100-80GB": (989, 1979),
    "H200-141GB": (989, 1979),
}
MEMORY_GIB = {
    "T4": 14.9,
    "A10G": 22.4,
    "L4": 22.4,
    "L40S": 44.7,
    "A100-80GB": 74.5,
    "H100-80GB": 74.5,
    "H200-141GB": 131.3,
}
MAX_GPUS = {"T4": 4, "A10G": 8, "L4": 8, "L40S": 8, "A100-80GB": 8, "H100-80GB": 8, "H200-141GB": 8}
CLASSES = {
    "8b": 8.03,
    "32b": 32.8,
    "70b": 70.6,
}  # reference models: Llama-3.1-8B, Qwen2.5-32B, Llama-3.1-70B
BYTES = {"bf16": 2.0, "fp8": 1.0, "int4": 0.52}
BANDWIDTH_EFFICIENCY = 0.6
COMPUTE_EFFICIENCY = 0.4
LOADED_CONCURRENCY = 25
LOADED_TPOT_FACTOR = 2.1  # 38.75 / 18.58 in the NIM row
LOADED_TTFT_FACTOR = 1.7  # 688.69 / 406.77 in the NIM row
INPUT, OUTPUT = 1000, 200


def rows() -> list[dict]:
    out = []
    for gpu in HBM_GBPS:
        bf16, fp8 = DENSE_TFLOPS[gpu]
        for size, params in CLASSES.items():
            for precision, per_param in BYTES.items():
                if precision == "fp8" and fp8 is None:
                    continue
                flops = fp8 if precision == "fp8" else (bf16)
                for tp in (1, 2, 4, 8):
                    if tp > MAX_GPUS[gpu]:
                        continue
                    weights_gib = params * 1e9 * per_param / tp / 2**30
                    if weights_gib > 0.75 * MEMORY_GIB[gpu]:
                        continue
                    tpot1 = (
                        params
                        * 1e9
                        * per_param
                        / tp
                        / (HBM_GBPS[gpu] * 1e9 * BANDWIDTH_EFFICIENCY)
                        * 1000
                    )
                    ttft1 = (
                        2 * params * 1e9 * INPUT / (tp * flops * 1e12 * COMPUTE_EFFICIENCY) * 1000
                    )
                    tpot = tpot1 * LOADED_TPOT_FACTOR
                    out.append(
                        {
                            "gpu": gpu,
                            "precision": precision,
                            "size_class": size,
                            "tensor_parallel": tp,
                            "single_stream": {
                                "tpot_ms": round(tpot1, 2),
                                "ttft_ms": round(ttft1, 1),
                            },
                            "loaded": {
                                "concurrency": LOADED_CONCURRENCY,
                                "tpot_ms": round(tpot, 2),
                                "ttft_ms": round(ttft1 * LOADED_TTFT_FACTOR, 1),
                                "output_tokens_per_second": round(
                                    LOADED_CONCURRENCY * 1000 / tpot, 1
                                ),
                            },
                        }
                    )
    return out


MEASURED = [
    # NVIDIA NIM 1.8.0 benchmarking page: Llama-3.3-70B-Instruct, 2 x H100 80G, fp8, TP2.
    {
        "gpu": "H100-80GB",
        "precision": "fp8",
        "size_class": "70b",
        "tensor_parallel": 2,
        "input_tokens": 5000,
        "output_tokens": 500,
        "single_stream": {"tpot_ms": 18.58, "ttft_ms": 406.77},
        "loaded": {
            "concurrency": 25,
            "tpot_ms": 38.75,
            "ttft_ms": 688.69,
            "output_tokens_per_second": 623.4,
        },
        "basis": "measured",
        "source": "nim-1.8.0-llama-3.3-70b",
        "date": "2026-12-02",
    },
]


def _flow(row: dict) -> str:
    s, loaded = row["single_stream"], row["loaded"]
    head = (
        f"gpu: {row['gpu']}, precision: {row['precision']}, "
        f'size_class: "{row["size_class"]}", tensor_parallel: {row["tensor_parallel"]}'
    )
    point = (
        f"concurrency: {loaded['concurrency']}, tpot_ms: {loaded['tpot_ms']}, "
        f"ttft_ms: {loaded['ttft_ms']}, "
        f"output_tokens_per_second: {loaded['output_tokens_per_second']}"
    )
    return (
        f"  - {{{head},\n"
        f"     input_tokens: {row['input_tokens']}, output_tokens: {row['output_tokens']},\n"
        f"     single_stream: {{tpot_ms: {s['tpot_ms']}, ttft_ms: {s['ttft_ms']}}},\n"
        f"     loaded: {{{point}}},\n"
        f'     basis: {row["basis"]}, source: {row["source"]}, date: "{row["date"]}"}}'
    )


def main() -> None:
    measured = {(r["gpu"], r["precision"], r["size_class"], r["tensor_parallel"]) for r in MEASURED}
    print("rows:")
    for row in MEASURED:
        print(_flow(row))
    for row in rows():
        if (row["gpu"], row["precision"], row["size_class"], row["tensor_parallel"]) in measured:
            continue
        row |= {
            "input_tokens": INPUT,
            "output_tokens": OUTPUT,
            "basis": "estimate",
            "source": "bandwidth-model",
            "date": "2026-12-02",
        }
        print(_flow(row))


if __name__ == "__main__":
    main()
