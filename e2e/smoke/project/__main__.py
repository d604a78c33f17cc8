"""Smoke program of the real-engine tier: one of each kind of thing the library deploys.

A Namespace, a ConfigMap, a Secret holding a RandomPassword, a NodePatch on a fake GPU node, a
Helm v4 Chart from a generated stand-in chart (cert-manager: values schema + CRDs) and a custom
resource (ClusterIssuer) of a CRD that chart brings. Inputs come from stack config set by the test.
"""

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

cfg = pulumi.Config()
kubeconfig_path = cfg.require("kubeconfigPath")
chart_path = cfg.require(
    "chartPath"
)  # absolute: Helm resolves relative paths against the provider's cwd
gpu_node = cfg.require("gpuNode")
pool_label = cfg.get("poolLabel") or "a100"

with open(kubeconfig_path) as fh:
    provider = k8s.Provider("e2e", kubeconfig=pulumi.Output.secret(fh.read()))
opts = pulumi.ResourceOptions(provider=provider)

ns = k8s.core.v1.Namespace("smoke", metadata={"name": "llmops-smoke"}, opts=opts)
ns_name = ns.metadata.name

password = random.RandomPassword(
    "db", length=24, special=True, override_special="-_", min_upper=2, min_numeric=2, min_special=1
)
secret = k8s.core.v1.Secret(
    "db",
    metadata={"name": "db-credentials", "namespace": ns_name},
    string_data={"password": password.result},
    opts=opts,
)
config_map = k8s.core.v1.ConfigMap(
    "settings",
    metadata={
        "name": "smoke-settings",
        "namespace": ns_name,
        "labels": {"app.kubernetes.io/part-of": "llmops"},
    },
    data={"model": "llama-3-8b", "replicas": "1"},
    opts=opts,
)
node_patch = k8s.core.v1.NodePatch(
    "gpu-pool-label",
    metadata={"name": gpu_node, "labels": {"llmops.io/pool": pool_label}},
    opts=opts,
)
chart = k8s.helm.v4.Chart(
    "cert-manager",
    chart=chart_path,
    namespace=ns_name,
    values={
        "replicaCount": 2,
        "crds": {"enabled": False},
        "nodeSelector": {"llmops.io/pool": pool_label},
    },
    opts=opts,
)
issuer = k8s.apiextensions.CustomResource(
    "selfsigned",
    api_version="cert-manager.io/v1",
    kind="ClusterIssuer",
    metadata={"name": "llmops-smoke-selfsigned"},
    spec={"selfSigned": {}},
    opts=pulumi.ResourceOptions(provider=provider, depends_on=[chart]),
)

pulumi.export("namespace", ns_name)
pulumi.export("secretName", secret.metadata.name)
pulumi.export("configMapName", config_map.metadata.name)
pulumi.export("password", password.result)
pulumi.export("issuerName", issuer.metadata["name"])
pulumi.export("chartResources", chart.resources.apply(len))
