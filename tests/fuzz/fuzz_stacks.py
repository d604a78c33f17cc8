"""Mutation fuzzer over the shipped and example stack files (`make fuzz`).

Seeded-random mutations of the YAML text (dates, non-UTF-8 bytes, truncation, duplicated
lines) and of the parsed config (replace, delete, add keys of mixed types, reorder and
duplicate list items, NaN/negative numbers, `secure:` values, empty or scalar
`llmops:platform`, misspelt namespaces). Every case runs in-process through the stack-file
reader and the one-pass validation (`platform_config`: schema, rules, `prepare`, secrets);
every Nth valid case also runs the whole program on the mock engine (`plan_stack`), and a
few cases run the `llmops` CLI as a subprocess. Pass: no exception but `ConfigError`, CLI
exit codes only 0/1/2 and no traceback.

    python tests/fuzz/fuzz_stacks.py --cases 10000 --seed 1
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted(ROOT.glob("stacks/Pulumi.*.yaml")) + sorted(ROOT.glob("examples/*/Pulumi.*.yaml"))
SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2,
    3,
    7,
    10**9,
    0.5,
    -0.25,
    math.nan,
    math.inf,
    "",
    "x",
    "a" * 300,
    "2026-09",
    "2026-09-01",
    "us-east-1",
    "us-central1",
    "eastus",
    "eu-west-1",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.40.0.1/33",
    "10.40.0.1/16",
    "10.40.0.0/30",
    "us-east-1z",
    "us-east-1a",
    "us-central1-f",
    "europe-west4-a",
    "1",
    "4",
    "L4",
    "A100-80GB",
    "H100",
    "g6.xlarge",
    "p5.48xlarge",
    "all-1g.10gb",
    "all-balanced",
    "NoSchedule",
    "hf://Qwen/Qwen2.5-7B-Instruct",
    "ñ",
    {"secure": "AAABAJunkCiphertext=="},
    [],
    {},
    [1, "a", None],
    {1: "a", "b": 2},
]


def mutate_data(data: Any, rng: random.Random) -> Any:
    """One structural mutation of the parsed YAML (in place where possible)."""
    paths = list(_paths(data))
    if not paths:
        return rng.choice(SCALARS)
    path = rng.choice(paths)
    parent, key = _resolve(data, path)
    action = rng.choice(
        ["replace", "replace", "delete", "add", "reorder", "duplicate", "negate", "wrap"]
    )
    if action == "replace":
        parent[key] = copy.deepcopy(rng.choice(SCALARS))
    elif action == "delete":
        del parent[key]
    elif action == "add" and isinstance(parent[key], dict):
        parent[key][rng.choice(["x", 1, True, None, "max_nodes", "eks", "gke", "aks"])] = (
            copy.deepcopy(rng.choice(SCALARS))
        )
    elif action == "reorder" and isinstance(parent[key], list):
        rng.shuffle(parent[key])
    elif action == "duplicate" and isinstance(parent[key], list) and parent[key]:
        parent[key].append(copy.deepcopy(parent[key][0]))
    elif (
        action == "negate"
        and isinstance(parent[key], (int, float))
        and not isinstance(parent[key], bool)
    ):
        parent[key] = -parent[key] if rng.random() < 0.5 else parent[key] * 1000
    elif action == "wrap":
        parent[key] = [parent[key]] if rng.random() < 0.5 else {"secure": "AAAB=="}
    return data


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _resolve(data: Any, path: tuple) -> tuple[Any, Any]:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    return parent, path[-1]


def mutate_text(text: str, rng: random.Random) -> bytes:
    """A textual mutation: what a hand edit can do that the parsed form cannot."""
    lines = text.splitlines(keepends=True)
    action = rng.choice(["truncate", "dup-line", "tab", "bytes", "date", "namespace", "empty"])
    if action == "truncate" and lines:
        lines = lines[: rng.randrange(len(lines))]
    elif action == "dup-line" and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif action == "tab" and lines:
        i = rng.randrange(len(lines))
        lines[i] = "\t" + lines[i]
    elif action == "date":
        lines.append("      price_date: 2026-09-01\n")
    elif action == "namespace":
        replacement = rng.choice(["llmop:platform", "llmops:platfrom", "LLMOps:platform"])
        return "".join(lines).replace("llmops:platform", replacement, 1).encode()
    elif action == "empty":
        return rng.choice([b"", b"config:\n", b"config:\n  llmops:platform:\n", b"- 1\n"])
    raw = "".join(lines).encode()
    if action == "bytes":
        i = rng.randrange(len(raw) + 1)
        raw = raw[:i] + bytes([rng.choice([0xFF, 0xC3, 0x80, 0x00])]) + raw[i:]
    return raw


def ciphertexts(raw: bytes) -> set[str]:
    """The values Pulumi reads as secrets: a mapping whose only key is `secure` (a map that
    also has other keys is plain data, and echoing it is right). Unparsable text: every
    `secure:` value, conservatively. Empty values carry no secret and are left out."""
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return set(
            re.findall(r"secure:\s*['\"]?([A-Za-z0-9+/=]{4,})", raw.decode("utf-8", "replace"))
        )
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if list(node) == ["secure"] and isinstance(node["secure"], str) and node["secure"]:
                found.add(node["secure"])  # an empty ciphertext is in every text: nothing leaks
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return found


def one_case(raw: bytes, folder: Path, run_engine: bool) -> str:
    """'config-error', 'valid' or 'planned'; raises on a crash."""
    from pulumi_llmops.config.errors import ConfigError
    from pulumi_llmops.offline.plan import plan_stack
    from pulumi_llmops.offline.stack_file import platform_config, read_stack_file

    path = folder / "Pulumi.fuzz.yaml"
    path.write_bytes(raw)
    try:
        stack = read_stack_file(path)
        platform_config(stack)
        if not run_engine:
            return "valid"
        plan_stack(stack).to_json()
        return "planned"
    except ConfigError as error:
        assert error.problems, "a ConfigError without problems"
        for problem in error.problems:
            assert problem.message, problem
            text = problem.render()
            echoed = [c for c in ciphertexts(raw) if c in text]
            assert not echoed, f"ciphertext echoed: {text}"
        return "config-error"


def cli_case(raw: bytes, folder: Path, index: int) -> None:
    path = folder / f"Pulumi.cli{index}.yaml"
    path.write_bytes(raw)
    for args in (["plan", "--json"], ["check", "--format", "sarif"]):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "llmops"), *args, "--config", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        if done.returncode not in (0, 1, 2) or "Traceback" in done.stderr + done.stdout:
            raise AssertionError(f"CLI {args} exit {done.returncode}:\n{done.stderr[-2000:]}")
        if "--json" in args or "sarif" in args:
            json.loads(done.stdout)  # a document even on a config error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine-every", type=int, default=200, help="plan every Nth case")
    parser.add_argument("--cli-cases", type=int, default=6)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    texts = [p.read_text() for p in SEEDS]
    outcomes: dict[str, int] = {}
    crashes: list[str] = []
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in range(options.cases):
            text = rng.choice(texts)
            if rng.random() < 0.25:
                raw = mutate_text(text, rng)
            else:
                data = yaml.safe_load(text)
                for _ in range(rng.randint(1, 3)):
                    data = mutate_data(data, rng)
                raw = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()
            try:
                outcome = one_case(raw, folder, run_engine=case % options.engine_every == 0)
            except Exception:  # noqa: BLE001 - every other exception is a finding
                crashes.append(
                    f"case {case}:\n{raw.decode('utf-8', 'replace')}\n{traceback.format_exc()}"
                )
                outcome = "CRASH"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if case < options.cli_cases:
                try:
                    cli_case(raw, folder, case)
                except Exception:  # noqa: BLE001
                    crashes.append(f"CLI case {case}:\n{traceback.format_exc()}")
    elapsed = time.monotonic() - start
    print(f"{options.cases} cases in {elapsed:.0f} s (seed {options.seed}): {outcomes}")
    for crash in crashes[:5]:
        print(crash)
    print(f"{options.cases - len(crashes)} passed, {len(crashes)} failed")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
