"""L4 glue: the stack program that `pulumi up`, `llmops plan` and `llmops check` all run.

Stack config -> `PlatformConfig` -> `LlmOpsPlatform` -> stack outputs. One code path, so the
offline plan can never drift from what a real deployment does.
"""

from __future__ import annotations

import pulumi

from .addons.vector_db import SnapshotCredentials
from .bundle import LlmOpsPlatform, LlmOpsPlatformArgs
from .bundle.data import snapshot_credentials_needed
from .config.platform import PlatformConfig, load_platform_config

CONFIG_NAMESPACE = "llmops"
PLATFORM_KEY = "platform"


def read_platform_config() -> PlatformConfig:
    """Read and validate `llmops:platform` from the current stack's config."""
    raw = pulumi.Config(CONFIG_NAMESPACE).require_object(PLATFORM_KEY)
    return load_platform_config(raw, source=f"{CONFIG_NAMESPACE}:{PLATFORM_KEY}")


def build_platform(config: PlatformConfig) -> LlmOpsPlatform:
    """Create the bundle for `config`, with the secret config it names: the kubeconfig
    (`cluster.kubeconfig.secret_config_key`) and the vector DB snapshot credentials. The only
    place that reads secret stack config."""
    stack_config = pulumi.Config(CONFIG_NAMESPACE)
    kubeconfig = None
    spec = config.cluster.kubeconfig
    if spec is not None and spec.secret_config_key:
        kubeconfig = stack_config.require_secret(spec.secret_config_key)
    credentials = None
    snap = config.addons.vector_db.snapshots
    if snap is not None and snapshot_credentials_needed(config):
        credentials = SnapshotCredentials(
            access_key_id=stack_config.require_secret(snap.credentials.access_key_id_config_key),
            secret_access_key=stack_config.require_secret(
                snap.credentials.secret_access_key_config_key
            ),
        )
    return LlmOpsPlatform(
        config.cluster.name,
        LlmOpsPlatformArgs(
            config=config,
            kubeconfig=kubeconfig,
            snapshot_credentials=credentials,
            # Relative local chart paths start at the project (where Pulumi.yaml is).
            project_root=pulumi.get_root_directory(),
        ),
    )


def export_platform(platform: LlmOpsPlatform) -> None:
    """Stack outputs: cluster identity, each pool's scheduling contract, the kubeconfig (secret)."""
    handle = platform.cluster
    pulumi.export("cluster_name", handle.name)
    pulumi.export("target", handle.target)
    pulumi.export("region", handle.region)
    pulumi.export(
        "gpu_pools",
        {
            name: {
                "node_selector": contract.node_selector,
                "tolerations": contract.tolerations,
                "gpu_resource": contract.gpu_resource,
                "gpu_model": contract.gpu_model,
                "gpus_per_node": contract.gpus_per_node,
            }
            for name, contract in sorted(platform.contracts.items())
        },
    )
    pulumi.export("namespaces", sorted(platform.namespaces.namespaces))
    if handle.kubeconfig is not None:
        pulumi.export("kubeconfig", handle.kubeconfig)
    if platform.vector_db is not None:
        # Cluster-internal URL; the API key only as a secret (`pulumi stack output --show-secrets`).
        pulumi.export("vector_db_url", platform.vector_db.url)
        pulumi.export("vector_db_api_key", pulumi.Output.secret(platform.vector_db.api_key))
    if platform.observability is not None:
        pulumi.export(
            "grafana_admin_password",
            pulumi.Output.secret(platform.observability.grafana_admin_password),
        )


def main() -> LlmOpsPlatform:
    """The whole stack program."""
    platform = build_platform(read_platform_config())
    export_platform(platform)
    return platform
