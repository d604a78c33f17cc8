"""The handful of built-in Kubernetes kinds the library registers, without the generated SDK.

`pulumi_kubernetes.core.v1` alone loads hundreds of generated modules (typed inputs and
outputs for the whole core API: about half the start-up time of an offline plan) to create
a Namespace. The classes here are real `pulumi.CustomResource`s that register exactly what
the generated classes register: the same type token, name, inputs (wire names: the library
passes camelCase manifests), aliases, secret outputs and resource options (the provider
package's version and plugin URL), and the same source position (the caller's frame). They
need only `pulumi` and the top of `pulumi_kubernetes`, which every Kubernetes program loads.

Use it as the SDK: `from pulumi_llmops import k8s` then `k8s.core.v1.Namespace(...)`;
`k8s.apiextensions.CustomResource` likewise (the generated one loads `meta.v1`'s types).
`Provider`, `helm` and any kind not thinned here (e.g. `k8s.core.v1.Pod`)
are the real SDK's, loaded on first use: a new call site works unchanged, without the saving.
`tests/kube/test_thin_kinds.py` records every registration of every shipped stack and example
with these classes and with the generated ones and asserts they are equal.

What the generated classes give that these do not: typed output objects (`ns.metadata` is an
Output of a plain dict here, not of `ObjectMeta`; the library never reads these outputs) and
snake_case translation inside nested dicts (manifests here are already camelCase).
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any, ClassVar

import pulumi
import pulumi_kubernetes as _sdk
from pulumi_kubernetes import _utilities

from ._thin import check_arguments, require, resource_opts, wire_name

# And, through __getattr__: Provider, helm and every other API group (the SDK's).
__all__ = ["apiextensions", "apps", "batch", "core", "meta", "networking", "resource", "storage"]


class _Kind(pulumi.CustomResource):
    """A built-in kind: fixed token, apiVersion and kind; `INPUTS` are its Python argument
    names (the generated class's) mapped to wire names, in the generated class's order."""

    TOKEN: ClassVar[str]
    API_VERSION: ClassVar[str]
    KIND: ClassVar[str]
    INPUTS: ClassVar[tuple[tuple[str, str], ...]]
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    SECRET_INPUTS: ClassVar[tuple[str, ...]] = ()
    ALIASES: ClassVar[tuple[str, ...]] = ()
    OUTPUT_ONLY: ClassVar[tuple[str, ...]] = ("status",)

    def __init__(
        self, resource_name: str, opts: pulumi.ResourceOptions | None = None, **kwargs: Any
    ) -> None:
        # The SDK's order: its defaults (version, plugin URL) merged with the caller's opts,
        # then the kind's own secret outputs and aliases.
        opts = resource_opts(_utilities, opts)
        names = dict(self.INPUTS)
        check_arguments(type(self).__name__, kwargs, set(names) - {"api_version", "kind"})
        props: dict[str, Any] = {}
        for py_name, wire in self.INPUTS:
            if py_name == "api_version":
                props[wire] = self.API_VERSION
            elif py_name == "kind":
                props[wire] = self.KIND
            elif py_name in self.OUTPUT_ONLY:
                props[wire] = None
            else:
                value = kwargs.get(py_name)
                require(py_name, value, self.REQUIRED, opts)
                if value is not None and py_name in self.SECRET_INPUTS:
                    value = pulumi.Output.secret(value)
                props[wire] = value
        if self.SECRET_INPUTS:
            wires = [names[n] for n in self.SECRET_INPUTS]
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=wires)
            )
        if self.ALIASES:
            aliases = [pulumi.Alias(type_=t) for t in self.ALIASES]
            opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=aliases))
        # Called from this __init__ so the SDK's stack walk (third __init__ up) finds the
        # caller's frame as the source position, as it does for the generated classes.
        super().__init__(self.TOKEN, resource_name, props, opts)


_SPEC = ("api_version", "kind", "metadata", "spec", "status")


def _kind(
    token: str,
    inputs: tuple[str, ...] = _SPEC,
    *,
    required: tuple[str, ...] = (),
    secret: tuple[str, ...] = (),
    aliases: tuple[str, ...] = (),
) -> type[_Kind]:
    """The thin class of the built-in kind `token` (`kubernetes:<group>/<version>:<Kind>`,
    named `<Kind>`). `inputs` are the generated class's argument names in its order (wire
    names are their camelCase); `required` must be given, `secret` are sent as secrets and
    `aliases` are the older tokens the generated class aliases. apiVersion and kind come from
    the token: the `core` group is apiVersion `v1`, and a `<Kind>Patch` patches `<Kind>`."""
    group_version, name = token.removeprefix("kubernetes:").split(":")
    group, version = group_version.split("/")
    attributes = {
        "__doc__": f"`{token}`, registered as the generated `{name}` class registers it.",
        "__module__": __name__,
        "__qualname__": name,
        "TOKEN": token,
        "API_VERSION": version if group == "core" else group_version,
        "KIND": name.removesuffix("Patch"),
        "INPUTS": tuple((py_name, wire_name(py_name)) for py_name in inputs),
        "REQUIRED": required,
        "SECRET_INPUTS": secret,
        "ALIASES": aliases,
    }
    return type(name, (_Kind,), attributes)


# One row a kind; tests/kube/test_thin_kinds.py holds each to the generated class.
Namespace = _kind("kubernetes:core/v1:Namespace")
ConfigMap = _kind(
    "kubernetes:core/v1:ConfigMap",
    ("api_version", "binary_data", "data", "immutable", "kind", "metadata"),
)
Secret = _kind(
    "kubernetes:core/v1:Secret",
    ("api_version", "data", "immutable", "kind", "metadata", "string_data", "type"),
    secret=("data", "string_data"),
)
ResourceQuota = _kind("kubernetes:core/v1:ResourceQuota")
NodePatch = _kind("kubernetes:core/v1:NodePatch")
Service = _kind("kubernetes:core/v1:Service")
NetworkPolicy = _kind(
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    aliases=("kubernetes:extensions/v1beta1:NetworkPolicy",),
)
StorageClass = _kind(
    "kubernetes:storage.k8s.io/v1:StorageClass",
    (
        "allow_volume_expansion",
        "allowed_topologies",
        "api_version",
        "kind",
        "metadata",
        "mount_options",
        "parameters",
        "provisioner",
        "reclaim_policy",
        "volume_binding_mode",
    ),
    required=("provisioner",),
    aliases=("kubernetes:storage.k8s.io/v1beta1:StorageClass",),
)
CronJob = _kind(
    "kubernetes:batch/v1:CronJob",
    required=("spec",),
    aliases=("kubernetes:batch/v1beta1:CronJob", "kubernetes:batch/v2alpha1:CronJob"),
)
DaemonSet = _kind(
    "kubernetes:apps/v1:DaemonSet",
    required=("spec",),
    aliases=("kubernetes:apps/v1beta2:DaemonSet", "kubernetes:extensions/v1beta1:DaemonSet"),
)


ResourceClaimTemplate = _kind(
    "kubernetes:resource.k8s.io/v1:ResourceClaimTemplate",
    ("api_version", "kind", "metadata", "spec"),
    required=("spec",),
    aliases=tuple(
        f"kubernetes:resource.k8s.io/{v}:ResourceClaimTemplate"
        for v in ("v1alpha1", "v1alpha2", "v1alpha3", "v1beta1", "v1beta2")
    ),
)


class CustomResource(pulumi.CustomResource):
    """An instance of a CRD, as `apiextensions.CustomResource` registers it (token
    `kubernetes:<apiVersion>:<kind>`), without the `meta.v1` types the generated one loads."""

    def __init__(
        self,
        resource_name: str,
        api_version: str,
        kind: str,
        spec: Any = None,
        metadata: Any = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not resource_name:
            raise TypeError("Missing resource name argument (for URN creation)")
        if not isinstance(resource_name, str):
            raise TypeError("Expected resource name to be a string")
        # The SDK's order: the caller's opts, then the package version (no plugin URL).
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(version=_utilities.get_version())
        )
        if api_version is None and not opts.urn:
            raise TypeError("Missing required property 'api_version'")
        if kind is None and not opts.urn:
            raise TypeError("Missing required property 'kind'")
        props = {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec}
        super().__init__(f"kubernetes:{api_version}:{kind}", resource_name, props, opts)


def ObjectMetaArgs(**fields: Any) -> dict[str, Any]:  # noqa: N802 (the SDK's name)
    """`metadata` as the generated `ObjectMetaArgs` serialises it: wire names, unset dropped."""
    return {wire_name(k): v for k, v in fields.items() if v is not None}


class _Group(SimpleNamespace):
    """A thin `core.v1`-style namespace: the kinds above, and any other kind of that SDK
    group from the generated package (loaded on first use), so a new call site works as with
    the SDK, just without the start-up saving."""

    def __init__(self, sdk_module: str, **kinds: Any) -> None:
        super().__init__(**kinds)
        self._sdk_module = sdk_module

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(importlib.import_module(self._sdk_module), name)


core = SimpleNamespace(
    v1=_Group(
        "pulumi_kubernetes.core.v1",
        ConfigMap=ConfigMap,
        Namespace=Namespace,
        NodePatch=NodePatch,
        ResourceQuota=ResourceQuota,
        Secret=Secret,
        Service=Service,
    )
)
networking = SimpleNamespace(
    v1=_Group("pulumi_kubernetes.networking.v1", NetworkPolicy=NetworkPolicy)
)
storage = SimpleNamespace(v1=_Group("pulumi_kubernetes.storage.v1", StorageClass=StorageClass))
batch = SimpleNamespace(v1=_Group("pulumi_kubernetes.batch.v1", CronJob=CronJob))
apps = SimpleNamespace(v1=_Group("pulumi_kubernetes.apps.v1", DaemonSet=DaemonSet))
resource = SimpleNamespace(
    v1=_Group("pulumi_kubernetes.resource.v1", ResourceClaimTemplate=ResourceClaimTemplate)
)
meta = SimpleNamespace(v1=_Group("pulumi_kubernetes.meta.v1", ObjectMetaArgs=ObjectMetaArgs))
apiextensions = _Group("pulumi_kubernetes.apiextensions", CustomResource=CustomResource)


def __getattr__(name: str) -> Any:
    """Everything else (`Provider`, `helm`, other API groups): the real SDK's, loaded on
    first use there."""
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(_sdk, name)
