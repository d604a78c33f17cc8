"""`llmops check`: shipped stacks pass their environment's mandatory policies, deliberately
violating stacks fail with exact messages, config errors exit 2, offline verdicts equal
direct rule calls, and JSON/SARIF outputs are well-formed."""

# ruff: noqa: E501 (exact CLI output blocks are long lines)

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pulumi_llmops.cli.main import app
from pulumi_llmops.offline.analyzer import engine_view, evaluate
from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.stack_file import available_stacks, read_stack_file
from pulumi_llmops.policy import PACKS
from pulumi_llmops.policy.config import read_config_file, resolve

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "stacks"
POLICIES = ROOT / "policies"
FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


def check(*args: str):
    return runner.invoke(
        app, ["check", "--stacks-dir", str(STACKS), "--policies-dir", str(POLICIES), *args]
    )


@pytest.mark.parametrize("stack", available_stacks(STACKS))
def test_shipped_stacks_pass_their_environments_mandatory_policies(stack: str) -> None:
    """A shipped stack that violates a mandatory rule is a finding for its owner (report it),
    not a reason to relax the rule or this test."""
    result = check_stack(
        read_stack_file(STACKS / f"Pulumi.{stack}.yaml", stack), policies_dir=POLICIES
    )
    assert result.resource_count > 0 and result.policy_count >= 14
    assert result.mandatory == [], "\n".join(
        f"{v.rule_id} {v.resource_name}: {v.message}" for v in result.mandatory
    )


BAD_ONPREM_SITE = """\
MANDATORY data-residency/allowed-regions (critical) at tests/offline/fixtures/Pulumi.bad-onprem.yaml:7
  site 'sin-dc9' (llmops:platform region) is not an allowed on-prem site (allowed: lab-dc1). Fix: deploy to an allowed site or change the data-residency config.
  resources (1):
    - pulumi:providers:kubernetes 'bad-lab-cluster-k8s'
  fix (region): change region ('sin-dc9') to a region allowed for this environment, or allow it in policies/config/<env>/data-residency.json after a residency review
  remediation: Set the region/location to one allowed for the environment (stack config `llmops:platform` `region`, the provider's region, or the resource's location), or add the region to `allowedRegions` in policies/config/<env>/data-residency.json after a residency review.
"""
BAD_ONPREM_LB = """\
MANDATORY security-baseline/no-public-load-balancers (high)
  values.service.type is LoadBalancer (public). Fix: set it to ClusterIP, or add the cloud's internal load balancer annotation under values.service.annotations.
  resources (1):
    - kubernetes:helm.sh/v4:Chart 'bad-lab-vectordb-qdrant'
"""


def test_violating_onprem_stack_fails_naming_rule_resource_and_fix(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = check("--config", "tests/offline/fixtures/Pulumi.bad-onprem.yaml")
    assert result.exit_code == 1, result.output
    assert BAD_ONPREM_SITE in result.stdout
    assert BAD_ONPREM_LB in result.stdout
    rules = {
        line.split()[1] for line in result.stdout.splitlines() if line.startswith("MANDATORY ")
    }
    assert rules == {
        "data-residency/allowed-regions",
        "data-residency/allowed-model-sources",
        "security-baseline/no-public-load-balancers",
        "security-baseline/no-plaintext-secrets-in-helm-values",
    }
    assert (
        "values.config.service.api_key (api_key) holds a literal secret in Helm values"
        in result.stdout
    )
    assert "'hf://unvetted-org/mystery-7b' is not from an allowed model source" in result.stdout
    assert result.stdout.rstrip().endswith(
        "FAILED: 4 mandatory, 0 advisory finding(s) (4 mandatory, 0 advisory violation(s)); "
        "19 policies over 28 resources."
    )


def test_violating_eks_stack_fails_on_region_cost_and_endpoint() -> None:
    result = check("--config", str(FIXTURES / "Pulumi.bad-eks.yaml"), "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    mandatory = {
        (v["rule"], v["resource_name"]) for v in data["violations"] if v["level"] == "mandatory"
    }
    assert mandatory == {
        # The cluster's explicit aws provider, set to the stack's (disallowed) region.
        ("data-residency/allowed-regions", "bad-llm-cluster-aws"),
        ("data-residency/allowed-regions", "bad-llm-cluster-eks"),
        ("data-residency/allowed-regions", "bad-llm-cluster-system"),
        ("data-residency/allowed-regions", "bad-llm-cluster-secrets-key"),
        ("data-residency/allowed-regions", "bad-llm-h100-nodes"),
        ("cost-guardrails/allowed-gpu-machine-types", "bad-llm-h100-nodes"),
        ("cost-guardrails/max-nodes-per-gpu-pool", "bad-llm-h100-nodes"),
        ("cost-guardrails/gpu-pools-scale-to-zero", "bad-llm-h100-nodes"),
        ("cost-guardrails/max-gpus-per-stack", None),
        ("cost-guardrails/monthly-gpu-budget", "bad-llm-h100-nodes"),
        ("cost-guardrails/required-cost-tags", "bad-llm-cluster-eks"),
        ("cost-guardrails/required-cost-tags", "bad-llm-cluster-system"),
        ("cost-guardrails/required-cost-tags", "bad-llm-cluster-secrets-key"),
        ("cost-guardrails/required-cost-tags", "bad-llm-h100-nodes"),
        ("security-baseline/private-cluster-endpoint", "bad-llm-cluster-eks"),
    }
    by_rule = {v["rule"]: v for v in data["violations"]}
    assert by_rule["cost-guardrails/max-gpus-per-stack"]["message"] == (
        "the stack can scale to 48 GPUs (EKS node group 'bad-llm-h100-nodes' 6x8), above the "
        "limit of 16. Fix: lower pool max sizes or raise maxGpus."
    )
    assert by_rule["security-baseline/private-cluster-endpoint"]["message"] == (
        "aws:eks/cluster:Cluster 'bad-llm-cluster-eks': the Kubernetes API endpoint is public to "
        "the internet. Fix: set endpointPublicAccess false (private access only) or restrict "
        "publicAccessCidrs."
    )
    assert [v["rule"] for v in data["violations"] if v["level"] == "advisory"] == [
        "cost-guardrails/spot-gpu-pools-outside-prod"
    ]


def test_a_disabled_policy_and_an_advisory_level_do_not_fail(tmp_path: Path) -> None:
    config = read_config_file(POLICIES / "config" / "dev" / "cost-guardrails.json")
    config["all"] = "advisory"  # per-policy levels still win over `all`...
    config["gpu-pools-scale-to-zero"] = "advisory"  # ...so lower the one set explicitly
    (tmp_path / "cost-guardrails.json").write_text(json.dumps(config))
    (tmp_path / "data-residency.json").write_text(json.dumps({"all": "disabled"}))
    (tmp_path / "security-baseline.json").write_text(json.dumps({"all": "disabled"}))
    result = check(
        "--config",
        str(FIXTURES / "Pulumi.bad-eks.yaml"),
        "--policy-config",
        str(tmp_path),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["mandatory"] == 0 and data["advisory"] == 10
    assert data["policy_config"]["data-residency"] == str(tmp_path / "data-residency.json")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            '{"all": "sometimes"}',
            "all: must be one of advisory, mandatory, remediate, disabled (got 'sometimes')",
        ),
        (
            '{"max-node-per-gpu-pool": {"maxNodes": 2}}',
            "max-node-per-gpu-pool: no such policy in this pack",
        ),
        (
            '{"max-nodes-per-gpu-pool": {"maxNodes": "two"}}',
            "max-nodes-per-gpu-pool.maxNodes: must be of type integer (got 'two')",
        ),
        (
            '{"max-nodes-per-gpu-pool": {"maxNodez": 2}}',
            "max-nodes-per-gpu-pool.maxNodez: unknown property; properties: maxNodes (got 2)",
        ),
        (
            '{"monthly-gpu-budget": {"monthlyBudgetUsd": -1}}',
            "monthly-gpu-budget.monthlyBudgetUsd: must be >= 0 (got -1)",
        ),
        ("[1, 2]", "<root>: must be a JSON object keyed by policy name"),
        ("{not json", "<root>: not valid JSON"),
    ],
)
def test_policy_config_errors_exit_2(tmp_path: Path, document: str, message: str) -> None:
    path = tmp_path / "cost-guardrails.json"
    path.write_text(document)
    result = check("--stack", "dev-onprem", "--policy-config", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--stack", "nope"), "--stack: no"),
        (
            ("--stack", "dev-onprem", "--policy-config", "/nonexistent/other.json"),
            "--policy-config: must be a directory of <pack>.json files or a file named after a pack",
        ),
        (("--stack", "dev-onprem", "--format", "xml"), "--format: must be table, json or sarif"),
    ],
)
def test_command_line_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    result = check(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_environment_without_policy_config_is_a_config_error(tmp_path: Path) -> None:
    text = (
        (STACKS / "Pulumi.dev-onprem.yaml")
        .read_text()
        .replace("environment: dev", "environment: qa")
    )
    (tmp_path / "Pulumi.qa.yaml").write_text(text)
    result = check("--config", str(tmp_path / "Pulumi.qa.yaml"))
    assert result.exit_code == 2
    assert "no policy config for environment 'qa'" in result.stderr


def test_bad_stack_config_exits_2_before_any_policy_runs(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.x.yaml").write_text("config:\n  llmops:platform:\n    target: mars\n")
    result = check("--config", str(tmp_path / "Pulumi.x.yaml"))
    assert result.exit_code == 2
    assert "target" in result.stderr


@pytest.mark.parametrize(
    "stack_path",
    [
        *(STACKS / f"Pulumi.{s}.yaml" for s in available_stacks(STACKS)),
        FIXTURES / "Pulumi.bad-onprem.yaml",
        FIXTURES / "Pulumi.bad-eks.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_offline_verdicts_equal_direct_rule_calls(stack_path: Path) -> None:
    from pulumi_llmops import program

    stack_file = read_stack_file(stack_path)
    environment = json.loads(stack_file.config["llmops:platform"])["environment"]
    settings = {
        pack: resolve(rules, read_config_file(POLICIES / "config" / environment / f"{pack}.json"))
        for pack, rules in PACKS.items()
    }
    recording, _ = run_program(
        program.main,
        config=stack_file.config,
        secret_keys=stack_file.secret_keys,
        stack=stack_file.stack,
    )
    offline = evaluate(
        recording, settings, stack_file.config, stack_file.secret_keys, stack=stack_file.stack
    )
    resource_args, stack_resources = engine_view(recording, stack_file.config, stack_file.stack)
    from pulumi_policy import StackValidationArgs

    direct = []
    for pack, rules in PACKS.items():
        for rule in rules:
            setting = settings[pack][rule.name]
            if setting.level == "disabled":
                continue
            if rule.kind == "resource":
                direct += [
                    (pack, rule.name, a.urn, m)
                    for a in resource_args
                    for m in rule.violations(a, setting.config)
                ]
            else:
                direct += [
                    (pack, rule.name, urn, m)
                    for urn, m in rule.violations(
                        StackValidationArgs(stack_resources), setting.config
                    )
                ]
    assert [(v.pack, v.policy, v.urn, v.message) for v in offline] == direct


def test_json_output_is_deterministic_and_states_it_is_offline() -> None:
    first, second = (
        check("--stack", "prod-aks", "--format", "json"),
        check("--stack", "prod-aks", "--format", "json"),
    )
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["offline"] is True and data["environment"] == "prod"
    assert data["caveats"][0].startswith("Offline policy check on Pulumi's mock engine")
    assert data["policy_config"]["cost-guardrails"].endswith("config/prod/cost-guardrails.json")


def test_sarif_output() -> None:
    result = check("--config", str(FIXTURES / "Pulumi.bad-onprem.yaml"), "--format", "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == sum(len(r) for r in PACKS.values())
    assert {r["id"] for r in rules} >= {
        "data-residency/allowed-regions",
        "cost-guardrails/monthly-gpu-budget",
    }
    site = next(r for r in run["results"] if r["ruleId"] == "data-residency/allowed-regions")
    assert rules[site["ruleIndex"]]["id"] == site["ruleId"]
    assert site["level"] == "error"
    location = site["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(
        "tests/offline/fixtures/Pulumi.bad-onprem.yaml"
    )
    assert location["physicalLocation"]["region"]["startLine"] == 7  # `region: sin-dc9`
    assert location["logicalLocations"][0]["fullyQualifiedName"].endswith(
        "pulumi:providers:kubernetes::bad-lab-cluster-k8s"
    )
    assert site["message"]["text"].startswith("site 'sin-dc9' (llmops:platform region)")
    assert "Fix (region): change region ('sin-dc9')" in site["message"]["text"]
    assert len({r["partialFingerprints"]["llmopsViolation/v1"] for r in run["results"]}) == len(
        run["results"]
    )
