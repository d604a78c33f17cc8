"""Stand-in for `pulumi_kubernetes.resource.v1` under the tier's Kubernetes SDK 4.25.0.

The tier pins the SDK to the provider the Go module proxy serves (4.25.0, e2e/engine/PROBE.md);
that SDK has `resource.k8s.io` up to v1beta2 only, while the library (pulumi-kubernetes>=4.34)
builds its ResourceClaimTemplates with `k8s.resource.v1.ResourceClaimTemplate`. The provider
itself handles any group/version/kind the API server serves (as it does for custom resources),
so this adds, only when the installed SDK lacks it, a module `pulumi_kubernetes.resource.v1`
whose classes register the same type token (`kubernetes:resource.k8s.io/v1:<Kind>`, hence the
same URN) with the same inputs (`apiVersion`, `kind`, `metadata`, `spec`) as the typed classes.

On PYTHONPATH of the tier's `pulumi` runs only (harness/previews.py `tier_cli`); loaded by
`site` at start-up, it imports nothing until `pulumi_kubernetes.resource` is imported.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

KINDS = ("DeviceClass", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice")


def _v1_module() -> types.ModuleType:
    import pulumi

    module = types.ModuleType("pulumi_kubernetes.resource.v1")
    module.__doc__ = "e2e stand-in (e2e/harness/sdk_shim/sitecustomize.py)"

    def make(kind: str):
        def __init__(self, resource_name, opts=None, metadata=None, spec=None, **extra):
            props = {"apiVersion": "resource.k8s.io/v1", "kind": kind, "metadata": metadata}
            props["spec"] = spec
            props.update(extra)
            opts = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(), opts)
            pulumi.CustomResource.__init__(
                self, f"kubernetes:resource.k8s.io/v1:{kind}", resource_name, props, opts
            )

        return type(kind, (pulumi.CustomResource,), {"__init__": __init__})

    for kind in KINDS:
        setattr(module, kind, make(kind))
    return module


class _AddV1(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != "pulumi_kubernetes.resource":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        real = spec.loader

        class Loader(importlib.abc.Loader):
            def create_module(self, s):
                return real.create_module(s)

            def exec_module(self, module):
                real.exec_module(module)
                if not hasattr(module, "v1"):
                    v1 = _v1_module()
                    sys.modules["pulumi_kubernetes.resource.v1"] = v1
                    module.v1 = v1

        spec.loader = Loader()
        return spec


sys.meta_path.insert(0, _AddV1())
