"""`pulumi_llmops.k8s` registers exactly what the generated `pulumi_kubernetes` classes do.

Every shipped stack and example (and a vector-db stack with snapshots, for the CronJob) runs
twice on the mock engine: once with the thin kinds, once with `pulumi_llmops.k8s` pointed at
the generated SDK subpackages. Each run keeps the whole `RegisterResourceRequest` of every
registration (helpers/registrations.py) and the two lists must be equal.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pulumi
import pulumi_kubernetes
import pytest

from helpers.data_cases import MINIO_SNAPSHOTS, platform
from helpers.gpu_cases import L4, setup
from helpers.registrations import assert_same, sdk_arguments, stack_run
from pulumi_llmops import k8s, program
from pulumi_llmops.addons.gpu_operator import GpuOperator, GpuOperatorArgs
from pulumi_llmops.cluster.handle import ClusterHandle
from pulumi_llmops.config.serving import GpuOperatorSpec
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.project import run_project

ROOT = Path(__file__).resolve().parents[2]
HERE = "/tests/kube/test_thin_kinds.py"
STACKS = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
EXAMPLES = sorted(
    (folder, stack)
    for folder in (ROOT / "examples").iterdir()
    if (folder / "__main__.py").is_file()
    for stack in folder.glob("Pulumi.*.yaml")
)
THIN = {
    cls.TOKEN: cls
    for cls in (
        k8s.ConfigMap,
        k8s.CronJob,
        k8s.DaemonSet,
        k8s.ResourceClaimTemplate,
        k8s.Namespace,
        k8s.NetworkPolicy,
        k8s.NodePatch,
        k8s.ResourceQuota,
        k8s.Secret,
        k8s.Service,
        k8s.StorageClass,
    )
}
SEEN: set[str] = set()
SEEN_ALL: set[str] = set()


def _use_generated(patch: pytest.MonkeyPatch) -> None:
    for name in (
        "core",
        "networking",
        "storage",
        "batch",
        "apps",
        "resource",
        "meta",
        "apiextensions",
    ):
        patch.setattr(k8s, name, getattr(pulumi_kubernetes, name))


def _assert_same(run, monkeypatch) -> None:
    types = assert_same(
        run,
        monkeypatch,
        here=HERE,
        is_thin=lambda c: issubclass(c, (k8s._Kind, k8s.CustomResource)),
        use_generated=_use_generated,
    )
    SEEN.update(t for t in types if t in THIN)
    SEEN_ALL.update(types)


@pytest.mark.parametrize("path", STACKS, ids=lambda p: p.stem.removeprefix("Pulumi."))
def test_each_shipped_stack_registers_identically(path, monkeypatch) -> None:
    _assert_same(stack_run(path), monkeypatch)


@pytest.mark.parametrize(
    ("folder", "stack"), EXAMPLES, ids=[f"{f.name}-{s.stem}" for f, s in EXAMPLES]
)
def test_each_example_registers_identically(folder, stack, monkeypatch) -> None:
    _assert_same(lambda: run_project(folder, stack), monkeypatch)


def test_a_vector_db_with_snapshots_registers_identically(monkeypatch) -> None:
    config = {"llmops:platform": json.dumps(platform(vector_db={"snapshots": MINIO_SNAPSHOTS}))}
    _assert_same(lambda: run_program(program.main, config=config, stack="test"), monkeypatch)


def test_the_gke_gpu_operator_with_its_quota_registers_identically(monkeypatch) -> None:
    def program() -> None:
        handle = ClusterHandle(
            name="c", target="gke", region="europe-west4", provider=k8s.Provider("k8s")
        )
        gke = {"gpu_driver_version": "INSTALLATION_DISABLED", "image_type": "UBUNTU_CONTAINERD"}
        args = GpuOperatorArgs(
            cluster=handle, spec=GpuOperatorSpec(), setups=[setup("l4", "gke", L4, gke=gke)]
        )
        GpuOperator("gpu", args)

    _assert_same(lambda: run_program(program, stack="test"), monkeypatch)


def test_every_thin_kind_was_compared() -> None:
    """Runs after the comparisons above (file order): each thin kind registered in one."""
    assert sorted(SEEN) == sorted(THIN)


GENERATED = {
    "kubernetes:core/v1:ConfigMap": pulumi_kubernetes.core.v1.ConfigMap,
    "kubernetes:batch/v1:CronJob": pulumi_kubernetes.batch.v1.CronJob,
    "kubernetes:apps/v1:DaemonSet": pulumi_kubernetes.apps.v1.DaemonSet,
    "kubernetes:resource.k8s.io/v1:ResourceClaimTemplate": (
        pulumi_kubernetes.resource.v1.ResourceClaimTemplate
    ),
    "kubernetes:core/v1:Namespace": pulumi_kubernetes.core.v1.Namespace,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": pulumi_kubernetes.networking.v1.NetworkPolicy,
    "kubernetes:core/v1:NodePatch": pulumi_kubernetes.core.v1.NodePatch,
    "kubernetes:core/v1:ResourceQuota": pulumi_kubernetes.core.v1.ResourceQuota,
    "kubernetes:core/v1:Secret": pulumi_kubernetes.core.v1.Secret,
    "kubernetes:core/v1:Service": pulumi_kubernetes.core.v1.Service,
    "kubernetes:storage.k8s.io/v1:StorageClass": pulumi_kubernetes.storage.v1.StorageClass,
}


@pytest.mark.parametrize("token", sorted(THIN))
def test_each_thin_kind_takes_the_generated_class_s_arguments(token) -> None:
    cls, generated = THIN[token], GENERATED[token]
    assert issubclass(cls, pulumi.CustomResource)
    assert cls.__name__ == generated.__name__
    sdk_inputs = sdk_arguments(generated)
    assert sorted(py for py, _ in cls.INPUTS if py not in cls.OUTPUT_ONLY) == sorted(sdk_inputs)


def test_unknown_and_missing_arguments_fail_as_in_the_sdk() -> None:
    with pytest.raises(TypeError, match="unexpected arguments \\['specc'\\]"):
        k8s.Namespace("x", specc={})
    with pytest.raises(TypeError, match="Missing required property 'provisioner'"):
        k8s.StorageClass("x", metadata={"name": "x"})


def test_object_meta_args_is_the_wire_form_without_unset_fields() -> None:
    assert k8s.meta.v1.ObjectMetaArgs(name="gp3", annotations=None, generate_name="g-") == {
        "name": "gp3",
        "generateName": "g-",
    }


def test_custom_resources_were_compared_too() -> None:
    """Runs after the comparisons above: instances of CRDs went through the thin class."""
    crds = {
        t
        for t in SEEN_ALL
        if t.startswith("kubernetes:") and t not in THIN and not t.startswith("kubernetes:helm")
    }
    assert "kubernetes:serving.kserve.io/v1beta1:InferenceService" in crds
    assert "kubernetes:monitoring.coreos.com/v1:ServiceMonitor" in crds
    assert len(crds) >= 5, sorted(crds)


def test_custom_resource_arguments_match_the_generated_class() -> None:
    code = pulumi_kubernetes.apiextensions.CustomResource.__init__.__code__
    sdk = [n for n in code.co_varnames[: code.co_argcount] if n not in ("__name__", "__opts__")]
    mine = k8s.CustomResource.__init__.__code__
    assert list(mine.co_varnames[: mine.co_argcount]) == sdk


def test_provider_helm_and_kinds_not_thinned_are_the_sdk_s() -> None:
    assert k8s.Provider is pulumi_kubernetes.Provider
    assert k8s.helm is pulumi_kubernetes.helm
    assert k8s.resource.v1.ResourceClaim is pulumi_kubernetes.resource.v1.ResourceClaim
    assert k8s.core.v1.Pod is pulumi_kubernetes.core.v1.Pod
    assert k8s.core.v1.Namespace is not pulumi_kubernetes.core.v1.Namespace
    with pytest.raises(AttributeError):
        k8s.core.v1.NoSuchKind  # noqa: B018


PLAN_PROBE = """
import json, sys
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
plan_stack(read_stack_file(Path(sys.argv[1])))
print(json.dumps(sorted(m for m in sys.modules if m.startswith("pulumi_kubernetes."))))
"""


@pytest.mark.parametrize(
    "stack",
    ["stacks/Pulumi.dev-onprem.yaml", "examples/onprem-dra-gpu-claims/Pulumi.lab.yaml"],
)
def test_a_plan_loads_no_generated_api_group(stack: str) -> None:
    """Only the SDK's top, `helm` and the provider: no `<group>.<version>` package (the DRA
    example registers ResourceClaimTemplates, DaemonSets, NodePatches, CRD instances)."""
    done = subprocess.run(
        [sys.executable, "-c", PLAN_PROBE, stack], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pulumi_kubernetes.helm.v4.Chart" in loaded  # the probe planned charts
    versioned = [m for m in loaded if m.split(".")[1] != "helm" and m.count(".") >= 2]
    assert versioned == []
