"""No Helm hook the platform needs is left to `helm.v4.Chart`, which never creates hooks.

Table over upstream data: every shipped stack, every example and a few engine variants run
on the mock engine; for each Helm chart they register, the recorded `values` are merged over
each helm-hooks.tsv row's chart defaults and its `enabled_when` evaluated. A rendered
non-test hook fails unless dropping it is harmless (`kube.hooks.DROPPED_HOOKS`); what a
dropped hook made and the chart still needs must be created by the library (checked below:
Secret `argocd-redis`), or its consumer switched off (kube-prometheus-stack's TLS).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import chart_defaults, manifest_of, onprem_platform, require_upstream, run_platform
from helpers.hook_rows import HookRow, evaluate, layered, parse, read_rows, truthy
from pulumi_llmops.addons.gitops.resources import REDIS_SECRET_KEY
from pulumi_llmops.kube import DROPPED_HOOKS, HOOK_GUARDS, HOOK_SWITCHES
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.project import run_project
from pulumi_llmops.offline.recording import SECRET, RecordedResource, Recording
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.versions import CHARTS

ROOT = Path(__file__).resolve().parents[2]
CHART_TYPE = "kubernetes:helm.sh/v4:Chart"
SECRET_TYPE = "kubernetes:core/v1:Secret"

HOOK_FREE = frozenset(
    {
        "kserve-crd",
        "kserve-resources",
        "kserve-runtime-configs",
        "kserve-localmodel-crd",
        "kserve-localmodel-resources",
        "weaviate",
        "opentelemetry-collector",
        "keda",
        "cloudnative-pg",
    }
)
"""Charts the helm-hooks.tsv README lists as scanned and hook-free."""

HOOK_FREE_BY_TSV = frozenset({"inferencepool"})
"""Charts of the upstream MANIFEST that helm-hooks.tsv covers ("every resource annotated
helm.sh/hook in the pinned charts") without a single row: the inferencepool chart v1.5.0
and its epplib library subchart carry no hook."""

HOOK_FREE_BY_OWN_READING = frozenset({"cluster-autoscaler", "kueue"})
"""Charts helm-hooks.tsv does not cover, read for hooks here: cluster-autoscaler's 16
templates (kubernetes/autoscaler charts/cluster-autoscaler/templates: deployment, RBAC,
PDB, PSP, configmaps, secret, service, monitors, VPA) carry no `helm.sh/hook` annotation.
Read from a stored copy of the repository, not at the pinned tag 9.59.0: re-check when
the pin moves (or when shared/upstream scans it).
kueue: the only hook-bearing template in the stored history of kubernetes-sigs/kueue
charts/kueue/templates is `hooks/autokueue.yaml` (a post-install Job applying a default
ClusterQueue), gated by `.Values.enableAutoKueue`, a key the pinned 0.19.2 values do not
have (tests/addons/kueue: `enableAutoKueue` absent). Read from a stored copy, not at the
pinned tag: re-check when the pin moves."""

NOT_SCANNED = {
    "dra-driver-nvidia-gpu": "helm-hooks.tsv does not cover the DRA driver chart 0.4.1 "
    "(first installed by a shipped example, onprem-dra-gpu-claims). The stored copy of "
    "kubernetes-sigs/dra-driver-nvidia-gpu deployments/helm/dra-driver-nvidia-gpu/templates "
    "read here (validation, controller, kubeletplugin, gpu-driver-config, rbac-kubeletplugin; "
    "not at the pinned tag) has no `helm.sh/hook`, but it lacks the deviceclass-* and webhook "
    "templates, so the chart is not claimed hook-free: scan it in shared/upstream."
}
"""Charts installed by a shipped stack or example whose hooks nobody has scanned in full,
with the reason. Each must stay absent from helm-hooks.tsv: once the data covers the chart,
its entry here fails the test and must go."""

CONSUMERS: dict[str, tuple[str, str]] = {
    # chart -> (condition under which the chart needs what only a dropped hook creates, what)
    "kube-prometheus-stack": (
        "prometheusOperator.enabled and prometheusOperator.tls.enabled and "
        "not prometheusOperator.admissionWebhooks.certManager.enabled",
        "the operator mounts Secret <fullname>-admission, made only by hook L47",
    ),
    "argo-cd": (
        "not externalRedis.host",
        "every component reads Secret argocd-redis key auth, made only by hook L64",
    ),
}
REPLACED = {"argo-cd": ("argocd-redis", "auth")}
"""Chart -> (Secret, key) the library creates in the chart's namespace, before the chart."""

VARIANTS: dict[str, dict[str, Any]] = {
    "milvus-standalone": {"vector_db": {"engine": "milvus"}},
    "milvus-cluster": {"vector_db": {"engine": "milvus", "replicas": 3}},
    "weaviate": {"vector_db": {"engine": "weaviate"}},
    "pgvector-backups": {
        "vector_db": {
            "engine": "pgvector",
            "snapshots": {"bucket": "vec-backups", "credentials": {"existing_secret": "s3"}},
        }
    },
    "flux": {
        "gitops": {
            "engine": "flux",
            "applications": {
                "app": {"repo_url": "https://git.example.com/app.git", "namespace": "app"}
            },
        }
    },
    "model-cache-keda": {"kserve": {"model_cache": {"enabled": True}}},
}
"""Engines and add-ons no shipped stack or example installs."""


def _stack_files() -> list[str]:
    return sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def _example_files() -> list[str]:
    return sorted(
        f"{p.parent.name}/{p.name}"
        for p in (ROOT / "examples").glob("*/Pulumi.*.yaml")
        if (p.parent / "__main__.py").is_file()
    )


RUNS = (
    [f"stack:{f}" for f in _stack_files()]
    + [f"example:{f}" for f in _example_files()]
    + [f"variant:{v}" for v in VARIANTS]
)


@functools.cache
def recording_of(run: str) -> Recording:
    kind, _, name = run.partition(":")
    if kind == "stack":
        return plan_stack(read_stack_file(ROOT / "stacks" / name)).recording
    if kind == "example":
        folder = ROOT / "examples" / name.split("/")[0]
        return run_project(folder, folder / name.split("/")[1])
    model = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
    models = {"m": {**model, "max_replicas": 2, "cache": name == "model-cache-keda"}}
    recording, _ = run_platform(onprem_platform(addons=VARIANTS[name], models=models))
    return recording


@functools.cache
def rows() -> tuple[HookRow, ...]:
    return tuple(read_rows(require_upstream() / "helm-hooks.tsv"))


def chart_name(resource: RecordedResource) -> str:
    return str(resource.inputs["chart"]).rsplit("/", 1)[-1]


def charts(recording: Recording) -> list[RecordedResource]:
    return recording.of_type(CHART_TYPE)


def test_the_runs_cover_every_stack_and_example() -> None:
    assert _stack_files() == [
        "Pulumi.dev-eks.yaml",
        "Pulumi.dev-onprem.yaml",
        "Pulumi.prod-aks.yaml",
        "Pulumi.prod-gke.yaml",
        "Pulumi.staging-onprem.yaml",
    ]
    assert _example_files() == [
        "aks-gpu-sharing/Pulumi.prod.yaml",
        "compose-your-own/Pulumi.dev.yaml",
        "eks-llm-serving/Pulumi.dev.yaml",
        "gke-inference-gateway/Pulumi.dev.yaml",
        "gke-rag/Pulumi.dev.yaml",
        "gpu-queues-and-finetuning/Pulumi.lab.yaml",
        "onprem-dra-gpu-claims/Pulumi.lab.yaml",
        "onprem-existing-cluster/Pulumi.lab.yaml",
    ]


@pytest.mark.parametrize("run", RUNS)
def test_no_rendered_hook_is_needed(run: str) -> None:
    recording = recording_of(run)
    tsv_charts = {row.chart for row in rows()}
    failures = []
    for chart in charts(recording):
        name, values = chart_name(chart), chart.inputs["values"]
        if name in NOT_SCANNED:
            assert name not in tsv_charts, f"{name}: helm-hooks.tsv covers it now"
            continue
        assert name in tsv_charts | HOOK_FREE | HOOK_FREE_BY_TSV | HOOK_FREE_BY_OWN_READING, (
            f"{name}: not scanned for hooks (helm-hooks.tsv)"
        )
        for row in (r for r in rows() if r.chart == name):
            assert row.version == chart.inputs["version"], (name, row.version)
            if row.test_only or not row.enabled(values):
                continue
            if (name, row.template) not in DROPPED_HOOKS:
                failures.append(
                    f"{chart.name}: L{row.line} {row.kind} {row.name} ({','.join(row.hooks)}) "
                    f"is rendered but never created: {row.effect}"
                )
    assert failures == []


@pytest.mark.parametrize("run", RUNS)
def test_what_a_dropped_hook_made_is_switched_off_or_created_by_the_library(run: str) -> None:
    recording = recording_of(run)
    by_urn = recording.by_urn()
    for chart in charts(recording):
        name = chart_name(chart)
        if name not in CONSUMERS:
            continue
        condition, what = CONSUMERS[name]
        defaults = _defaults_of(name)
        needed = truthy(evaluate(parse(condition), layered(chart.inputs["values"], defaults)))
        if name not in REPLACED:
            assert not needed, f"{chart.name}: {what}"
            continue
        if not needed:
            continue
        secret_name, key = REPLACED[name]
        secrets = [
            by_urn[urn]
            for urn in chart.dependencies
            if by_urn[urn].type == SECRET_TYPE
            and manifest_of(by_urn[urn])["metadata"]["name"] == secret_name
        ]
        assert len(secrets) == 1, f"{chart.name}: {what}; no Secret {secret_name} before it"
        [secret] = secrets
        assert secret.inputs["metadata"]["namespace"] == chart.inputs["namespace"]
        # The engine records stringData as one secret; the key is the library's constant.
        assert secret.inputs["stringData"] is SECRET
        assert key == REDIS_SECRET_KEY


def _defaults_of(chart: str) -> dict[str, Any]:
    """Chart defaults of the paths a consumer condition reads: the tsv rows' `defaults`,
    which carry the subchart and parent defaults alike."""
    merged: dict[str, Any] = {}
    for row in rows():
        if row.chart == chart:
            merged.update(row.defaults)
    return merged


def test_every_chart_with_hooks_is_seen_by_some_run() -> None:
    """The runs exercise each hook-bearing chart the library can install."""
    installed = {chart_name(c) for run in RUNS for c in charts(recording_of(run))}
    library_charts = {pin.chart_name for pin in CHARTS.values()}
    with_hooks = {row.chart for row in rows()} & library_charts
    assert with_hooks <= installed, sorted(with_hooks - installed)


def _pinned_keys(chart: str) -> tuple[Any, set[str]]:
    pin = next(p for p in CHARTS.values() if p.chart_name == chart)
    defaults = chart_defaults(pin.chart_name, pin.version)
    schema_path = (
        require_upstream() / "charts" / pin.chart_name / pin.version / "values.schema.json"
    )
    schema_keys = set()
    if schema_path.is_file():
        schema_keys = {
            k.removeprefix("helm-values.")
            for k in json.loads(schema_path.read_text()).get("$defs", {})
        }
    return defaults, schema_keys


@pytest.mark.parametrize(
    ("chart", "path"),
    [(c, s.path) for table in (HOOK_SWITCHES, HOOK_GUARDS) for c, ss in table.items() for s in ss],
)
def test_every_switch_and_guard_is_a_key_of_the_pinned_chart(chart: str, path: str) -> None:
    defaults, schema_keys = _pinned_keys(chart)
    node: Any = defaults
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    tsv_paths = set(_defaults_of(chart))
    assert node is not None or path in schema_keys or path in tsv_paths, path


def test_dropped_hooks_name_real_rows() -> None:
    templates = {(row.chart, row.template) for row in rows()}
    assert set(DROPPED_HOOKS) <= templates


def test_a_reenabled_hook_would_fail_the_test() -> None:
    """The check is live: kube-prometheus-stack's chart defaults render its certgen hooks."""
    [row] = [r for r in rows() if r.line == 47]
    assert row.enabled({}) is True
    values = yaml.safe_load("prometheusOperator: {admissionWebhooks: {enabled: false}}")
    assert row.enabled(values) is False
