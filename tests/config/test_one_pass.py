"""What a new user trips on: every problem at once with file:line, prose patterns, regions
and zones per target, top-level key mistakes, missing secrets, YAML edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_llmops.config import ConfigError, GpuPoolSpec
from pulumi_llmops.offline.stack_file import platform_config, read_stack_file


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "Pulumi.t.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(ConfigError) as info:
        platform_config(read_stack_file(path))
    return [p.render().replace(str(path), "F") for p in info.value.problems]


GKE = """config:
  llmops:platform:
    environment: dev
    target: gke
    region: {region}
    cluster: {{name: lab, gke: {{project: acme-llm-prod}}}}
    node_pools:
      l4:
        machine_type: g2-standard-4
        gke: {{node_locations: [{zone}]}}
"""


@pytest.mark.parametrize(
    ("region", "zone", "expected"),
    [
        (
            "us-east-1",
            "us-east1-b",
            "F:5: region: 'us-east-1' is an AWS region, not a Google Cloud region; did you "
            "mean 'us-east1' or 'us-west1' or 'us-east5'? (a region missing from the catalogue "
            "can be declared under catalog.regions.gcp) (got 'us-east-1')",
        ),
        (
            "us-central1",
            "europe-west4-a",
            "F:10: node_pools.l4.gke.node_locations.0: zone 'europe-west4-a' is in "
            "europe-west4, not in the stack's region us-central1 (got 'europe-west4-a')",
        ),
        (
            "us-central1",
            "us-central1-d",
            "F:10: node_pools.l4.gke.node_locations.0: not a zone of us-central1; did you "
            "mean 'us-central1-f' or 'us-central1-c' or 'us-central1-b'? (got 'us-central1-d')",
        ),
    ],
)
def test_regions_and_zones_are_checked_per_target(tmp_path, region, zone, expected) -> None:
    assert problems(tmp_path, GKE.format(region=region, zone=zone)) == [expected]


def test_schema_rule_and_sizing_problems_come_in_one_run(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """config:
  llmops:platform:
    environment: Dev
    target: onprem
    region: lab
    cluster: {name: lab, kubeconfig: {context: c}}
    node_pools:
      l4: {gpu: {model: L4, count: 1}, onprem: {node_names: [n1]}, max_nodes: 4}
    models:
      big: {storage_uri: "hf://meta/llama", params_billion: 405}
""",
    )
    assert [f.split(": ", 2)[:2] for f in found] == [
        ["F:3", "environment"],
        ["F:8", "node_pools.l4.max_nodes"],
        ["F:10", "models.big"],
    ]
    assert found[0].endswith("starting with a letter (e.g. dev, staging, prod) (got 'Dev')")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "config:\n  llmops:platfrom: {environment: dev}\n",
            "F:1: config.llmops:platform: required config key 'llmops:platform' is missing; found "
            "'llmops:platfrom': did you mean 'llmops:platform'?",
        ),
        (
            "config:\n  llmops:platform: {secure: AAABAsecret}\n",
            "F:2: config.llmops:platform: is a secret (secure:), but secrets are not accepted here: "
            "write the platform config as plain YAML and keep secret values in their own keys "
            "(e.g. cluster.kubeconfig.secret_config_key)",
        ),
        (
            "config:\n  llmops:platform:\n",
            "F:2: config.llmops:platform: is empty: give the platform config (environment, target...)",
        ),
        (
            "config:\n  llmops:platform: onprem\n",
            "F:2: config.llmops:platform: must be a mapping (environment, target, region, "
            "cluster...), not a string (got 'onprem')",
        ),
        (
            b"config:\n  llmops:platform: {a: \xff}\n",
            "F:2: <root>: not UTF-8 text: byte 0xff at offset 31 cannot be decoded; save the "
            "file as UTF-8",
        ),
        (
            "config:\n  llmops:platform: {a: [}\n",
            "F:2: <root>: not valid YAML: while parsing a flow node expected the node content, "
            "but found '}'",
        ),
        (
            "config:\n  a:b: 1\n  a:b: 2\n",
            "F:3: config.a:b: duplicate key (first at line 2); YAML would keep only the last "
            "one: remove one",
        ),
    ],
)
def test_top_level_and_file_mistakes(tmp_path: Path, text, expected: str) -> None:
    found = problems(tmp_path, text)
    assert found[0] == expected
    assert "AAABAsecret" not in "".join(found)


def test_nested_secure_values_are_rejected_without_echo(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "config:\n  llmops:platform:\n    environment: dev\n    tags: {team: {secure: AAAB}}\n",
    )
    assert found == [
        "F:4: tags.team: secrets (secure:) are not accepted inside llmops:platform: put the secret "
        "in its own key, e.g. `pulumi config set --secret llmops:<name>`, and name that key "
        "here"
    ]


def test_a_missing_secret_is_a_path_named_problem(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "config:\n  llmops:platform:\n    environment: dev\n    target: onprem\n"
        "    region: dc1\n    cluster: {name: lab, kubeconfig: {secret_config_key: kc}}\n",
    )
    assert found == [
        "F:6: cluster.kubeconfig.secret_config_key: names secret config key llmops:kc, which "
        "the stack does not set; run `pulumi config set --secret llmops:kc ...` (got 'kc')"
    ]


def test_unquoted_dates_are_text(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.d.yaml"
    path.write_text("config:\n  x:y: {price_date: 2026-09-01, 1: a}\n")
    stack = read_stack_file(path)
    assert stack.objects["x:y"] == {"price_date": "2026-09-01", "1": "a"}


def test_spec_model_validate_raises_the_path_named_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        GpuPoolSpec.model_validate({"max_nodes": 0, "gpu": {"model": "L4"}})
    assert [p.render() for p in info.value.problems] == [
        "gpu.count: required key is missing",
        "max_nodes: Input should be greater than or equal to 1 (got 0)",
    ]
