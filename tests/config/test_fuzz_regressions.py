"""Crash classes `make fuzz` found (tests/fuzz/README.md), each pinned as a config-error table
row: the stack fails with exactly these path-named problems, no exception escapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_llmops.config import ConfigError
from pulumi_llmops.offline.stack_file import platform_config, read_stack_file


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        platform_config(read_stack_file(path))
    return [p.render().replace(str(path), "F") for p in info.value.problems]


def test_a_list_as_target_and_region_is_two_problems_not_a_crash(tmp_path: Path) -> None:
    """Seed 1, case 2724: the region stand-in looked the target up in a dict (unhashable)."""
    text = (
        "config:\n"
        "  llmops:platform:\n"
        "    environment: prod\n"
        "    target: [aks]\n"
        "    region: [eastus]\n"
        "    cluster: {name: lab}\n"
    )
    assert problems(tmp_path, text) == [
        "F:4: target: Input should be 'eks', 'gke', 'aks' or 'onprem' (got ['aks'])",
        "F:5: region: Input should be a valid string (got ['eastus'])",
    ]


def test_a_map_with_secure_beside_other_keys_is_plain_data(tmp_path: Path) -> None:
    """Seed 2, case 2011 (a fuzzer false positive, its oracle fixed): Pulumi reads a mapping
    as a secret only when `secure` is its only key, so a pool named `secure` is plain data
    and its value may be echoed; a real `{secure: ...}` value never is."""
    from fuzz.fuzz_stacks import ciphertexts

    text = (
        "config:\n"
        "  llmops:platform:\n"
        "    environment: dev\n"
        "    target: onprem\n"
        "    region: lab-dc1\n"
        "    cluster: {name: lab, kubeconfig: {context: lab}}\n"
        "    node_pools: {secure: AAAB==, aks: 10.40.0.1/33}\n"
    )
    assert problems(tmp_path, text) == [
        "F:7: node_pools.secure: Input should be a valid dictionary or instance of "
        "GpuPoolSpec (got 'AAAB==')",
        "F:7: node_pools.aks: Input should be a valid dictionary or instance of GpuPoolSpec "
        "(got '10.40.0.1/33')",
    ]
    assert ciphertexts(text.encode()) == set()
    secret = text.replace("{secure: AAAB==, aks: 10.40.0.1/33}", "{l4: {secure: AAABx==}}")
    assert ciphertexts(secret.encode()) == {"AAABx=="}
    assert not any("AAABx" in p for p in problems(tmp_path, secret))


def test_an_empty_secure_value_is_no_secret_to_leak(tmp_path: Path) -> None:
    """Seed 1, case 448 of 10,000 after the DRA example joined the seeds (a fuzzer false
    positive, its oracle fixed): `llmops:platform: {secure: ''}` beside a key `true`. The
    empty string is in every message, so the oracle reported it echoed; the library's
    message names only the key."""
    from fuzz.fuzz_stacks import ciphertexts

    text = (
        "config:\n"
        "  gcp:project: acme-rag-dev\n"
        "  llmops:platform:\n"
        "    secure: ''\n"
        "  true: us-central1-f\n"
    )
    assert ciphertexts(text.encode()) == set()
    assert ciphertexts(text.replace("''", "AAABx==").encode()) == {"AAABx=="}
    assert problems(tmp_path, text) == [
        "F:5: config.true: config keys are namespaced: '<namespace>:<key>' "
        "(e.g. llmops:platform) (got 'true')"
    ]
