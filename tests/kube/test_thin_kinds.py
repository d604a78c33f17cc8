"""`pulumi_llmops.k8s` registers exactly what the generated `pulumi_kubernetes` classes do.

Every shipped stack and example (and a vector-db stack with snapshots, for the CronJob) runs
twice on the mock engine: once with the thin kinds, once with `pulumi_llmops.k8s` pointed at
the generated SDK subpackages. Each run keeps the whole `RegisterResourceRequest` of every
registration (type, name, inputs, parent, provider, dependencies, property dependencies,
aliases, version, secret outputs, options, source position) and the two lists must be equal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes
import pytest
from google.protobuf import json_format

from helpers.data_cases import MINIO_SNAPSHOTS, platform
from helpers.gpu_cases import L4, setup
from pulumi_llmops import k8s, program
from pulumi_llmops.addons.gpu_operator import GpuOperator, GpuOperatorArgs
from pulumi_llmops.cluster.handle import ClusterHandle
from pulumi_llmops.config.serving import GpuOperatorSpec
from pulumi_llmops.offline import engine
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.project import run_project
from pulumi_llmops.offline.stack_file import read_stack_file

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


def _registrations(run, monkeypatch, *, generated: bool) -> list[dict[str, Any]]:
    """Every RegisterResourceRequest of `run()` as a dict, in registration order."""
    requests: list[dict[str, Any]] = []
    original = engine.RecordingMonitor.RegisterResource

    def register(self, request):
        if request.type != "pulumi:pulumi:Stack":  # the root, registered by the SDK itself
            requests.append(_below_this_test(json_format.MessageToDict(request)))
        return original(self, request)

    classes: set[type] = set()
    custom_init = pulumi.CustomResource.__init__

    def init(self, *args, **kwargs):
        classes.add(type(self))
        custom_init(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(engine.RecordingMonitor, "RegisterResource", register)
        patch.setattr(pulumi.CustomResource, "__init__", init)
        if generated:
            for name in ("core", "networking", "storage", "batch", "apps", "meta", "apiextensions"):
                patch.setattr(k8s, name, getattr(pulumi_kubernetes, name))
        run()
    assert requests, "nothing registered"
    # The runs differ as they should: thin kinds in one, generated classes only in the other.
    thin_classes = {c for c in classes if issubclass(c, (k8s._Kind, k8s.CustomResource))}
    assert not thin_classes if generated else thin_classes
    return requests


def _stack(path: Path):
    stack = read_stack_file(path)
    return lambda: run_program(
        program.main, config=stack.config, secret_keys=stack.secret_keys, stack=stack.stack
    )


def _below_this_test(request: dict[str, Any]) -> dict[str, Any]:
    """The stack trace cut at this file's frames (the two runs start from different lines),
    transform callback addresses masked, dependency lists sorted."""
    frames = request.get("stackTrace", {}).get("frames", [])
    mine = [i for i, f in enumerate(frames) if f.get("pc", {}).get("uri", "").endswith(HERE)]
    if mine:
        request["stackTrace"]["frames"] = frames[: mine[0]]
    # Transform callbacks are served on a fresh port with a fresh token per run.
    for callback in request.get("transforms", []):
        callback.update(target="<callback server>", token="<token>")
    # The SDK gathers dependencies in sets: their order differs from run to run.
    request["dependencies"] = sorted(request.get("dependencies", []))
    for deps in request.get("propertyDependencies", {}).values():
        deps["urns"] = sorted(deps.get("urns", []))
    return request


def _keyed(requests: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """By (type, name, parent): registration order between runs follows the event loop."""
    keyed = {(r["type"], r["name"], r.get("parent", "")): r for r in requests}
    assert len(keyed) == len(requests), "a registration repeated"
    return keyed


def _assert_same(run, monkeypatch) -> None:
    thin = _keyed(_registrations(run, monkeypatch, generated=False))
    generated = _keyed(_registrations(run, monkeypatch, generated=True))
    assert sorted(thin) == sorted(generated)
    for key, request in thin.items():
        assert request == generated[key], key
    SEEN.update(t for t, _, _ in thin if t in THIN)
    SEEN_ALL.update(t for t, _, _ in thin)


@pytest.mark.parametrize("path", STACKS, ids=lambda p: p.stem.removeprefix("Pulumi."))
def test_each_shipped_stack_registers_identically(path, monkeypatch) -> None:
    _assert_same(_stack(path), monkeypatch)


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
    code = generated._internal_init.__code__
    sdk_inputs = [
        name
        for name in code.co_varnames[: code.co_argcount]
        if name not in ("__self__", "resource_name", "opts", "__props__")
    ]
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
    assert k8s.resource.v1.ResourceClaimTemplate is (
        pulumi_kubernetes.resource.v1.ResourceClaimTemplate
    )
    assert k8s.core.v1.Pod is pulumi_kubernetes.core.v1.Pod
    assert k8s.core.v1.Namespace is not pulumi_kubernetes.core.v1.Namespace
    with pytest.raises(AttributeError):
        k8s.core.v1.NoSuchKind  # noqa: B018
