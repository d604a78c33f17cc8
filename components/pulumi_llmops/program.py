"""L4 glue: the stack program that `pulumi up`, `llmops plan` and `llmops check` all run.

Stack config -> `PlatformConfig` -> `LlmOpsPlatform` -> stack outputs. One code path, so the
offline plan can never drift from what a real deployment does.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pulumi

from .addons.vector_db import SnapshotCredentials
from .bundle import LlmOpsPlatform, LlmOpsPlatformArgs
from .bundle.data import snapshot_credentials_needed
from .bundle.prepare import PlatformWiring, prepare
from .config.errors import ConfigError, Location, Problem
from .config.platform import PlatformConfig, validate_platform

CONFIG_NAMESPACE = "llmops"
PLATFORM_KEY = "platform"
PLATFORM_CONFIG_KEY = f"{CONFIG_NAMESPACE}:{PLATFORM_KEY}"

SecretReader = Callable[[str], Any]
"""`llmops:<key>` -> the secret value (an Output or a placeholder), None when unset."""


def read_platform_config() -> PlatformConfig:
    """Read and validate `llmops:platform` from the current stack's config."""
    config, _ = read_stack_config()
    return config


def read_stack_config() -> tuple[PlatformConfig, PlatformWiring]:
    """The validated platform config and its secret wiring, from the current stack's config.

    One `ConfigError` lists every problem: the top-level key, the schema, the semantic rules
    `prepare` applies, and secret config keys the spec names but the stack does not set.
    """
    keys = _config_keys()
    raw_text = pulumi.runtime.get_config(PLATFORM_CONFIG_KEY)
    secret = pulumi.runtime.is_config_secret(PLATFORM_CONFIG_KEY)
    raw: Any = raw_text
    if isinstance(raw_text, str) and not secret:
        try:
            raw = json.loads(raw_text)
        except ValueError:
            raw = raw_text
    stack_config = pulumi.Config(CONFIG_NAMESPACE)
    return load_platform(
        raw=raw,
        present=raw_text is not None,
        is_secret=secret,
        config_keys=keys,
        get_secret=stack_config.get_secret,
        source=PLATFORM_CONFIG_KEY,
    )


def load_platform(
    *,
    raw: Any,
    present: bool,
    is_secret: bool,
    config_keys: Sequence[str],
    get_secret: SecretReader,
    source: str,
) -> tuple[PlatformConfig, PlatformWiring]:
    """Validate `llmops:platform` in one pass (shared by `pulumi up` and `llmops plan/check`).

    `raw` is the decoded value, `present`/`is_secret` say whether the key is set and
    `secure:`, `config_keys` are all keys of the stack (for "did you mean"), `get_secret`
    reads `llmops:<key>` secrets.
    """
    top = _top_level_problems(raw, present, is_secret, config_keys)
    if top:
        raise ConfigError(top, source)
    wiring_box: list[PlatformWiring] = []

    def semantic(config: PlatformConfig) -> list[Problem]:
        wiring, problems = read_wiring(config, get_secret)
        wiring_box.append(wiring)
        try:
            prepare(config, wiring)
        except ConfigError as error:
            problems += error.problems
        return problems

    config = validate_platform(raw, source, semantic=semantic)
    return config, wiring_box[-1]


def _top_level_problems(
    raw: Any, present: bool, is_secret: bool, config_keys: Sequence[str]
) -> list[Problem]:
    where = f"config.{PLATFORM_CONFIG_KEY}"
    if not present:
        near = _near_misses(config_keys)
        hint = (
            f"; found {', '.join(repr(k) for k in near)}: did you mean {PLATFORM_CONFIG_KEY!r}?"
            if near
            else " (the whole platform config goes under this one key)"
        )
        return [Problem(where, f"required config key {PLATFORM_CONFIG_KEY!r} is missing{hint}")]
    if is_secret:
        return [
            Problem(
                where,
                "is a secret (secure:), but secrets are not accepted here: write the platform "
                "config as plain YAML and keep secret values in their own keys "
                "(e.g. cluster.kubeconfig.secret_config_key)",
            )
        ]
    if raw is None or raw == "":
        return [Problem(where, "is empty: give the platform config (environment, target...)")]
    if not isinstance(raw, dict):
        return [
            Problem(
                where,
                f"must be a mapping (environment, target, region, cluster...), not {_kind(raw)}",
                raw,
            )
        ]
    return [
        Problem(
            f"{path}",
            "secrets (secure:) are not accepted inside llmops:platform: put the secret in its "
            "own key, e.g. `pulumi config set --secret llmops:<name>`, and name that key here",
        )
        for path in _secure_paths(raw, ())
    ]


def _near_misses(keys: Sequence[str]) -> list[str]:
    """Config keys that look like a misspelt `llmops:platform`."""
    candidates = [k for k in keys if k != PLATFORM_CONFIG_KEY]
    close = difflib.get_close_matches(PLATFORM_CONFIG_KEY, candidates, n=3, cutoff=0.7)
    same_key = [
        k
        for k in candidates
        if k.rpartition(":")[2].lower() == PLATFORM_KEY
        or k.partition(":")[0].lower() == CONFIG_NAMESPACE
        and difflib.SequenceMatcher(None, k.partition(":")[2], PLATFORM_KEY).ratio() > 0.6
    ]
    return sorted(set(close) | set(same_key))


def _secure_paths(value: Any, parts: tuple[str, ...]) -> list[str]:
    if isinstance(value, dict):
        if set(value) == {"secure"} and parts:
            return [".".join(parts)]
        return [p for k, v in value.items() for p in _secure_paths(v, (*parts, str(k)))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _secure_paths(v, (*parts, str(i)))]
    return []


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean"}.get(type(value), "a number")


def _config_keys() -> list[str]:
    from pulumi.runtime.config import CONFIG, get_config_env

    return sorted(set(CONFIG.get()) | set(get_config_env()))


def read_wiring(
    config: PlatformConfig, get_secret: SecretReader
) -> tuple[PlatformWiring, list[Problem]]:
    """The secret config the spec names (kubeconfig, snapshot credentials), and a problem
    for each named key the stack does not set. The only place that reads secret config."""
    problems: list[Problem] = []

    def secret(key: str, path: str) -> Any:
        value = get_secret(key)
        if value is None:
            problems.append(
                Problem(
                    path,
                    f"names secret config key {CONFIG_NAMESPACE}:{key}, which the stack does "
                    f"not set; run `pulumi config set --secret {CONFIG_NAMESPACE}:{key} ...`",
                    key,
                )
            )
        return value

    kubeconfig = None
    spec = config.cluster.kubeconfig
    if spec is not None and spec.secret_config_key:
        kubeconfig = secret(spec.secret_config_key, "cluster.kubeconfig.secret_config_key")
    credentials = None
    snap = config.addons.vector_db.snapshots
    if snap is not None and snapshot_credentials_needed(config):
        where = "addons.vector_db.snapshots.credentials"
        key_id = secret(
            snap.credentials.access_key_id_config_key, f"{where}.access_key_id_config_key"
        )
        key = secret(
            snap.credentials.secret_access_key_config_key, f"{where}.secret_access_key_config_key"
        )
        if key_id is not None and key is not None:
            credentials = SnapshotCredentials(access_key_id=key_id, secret_access_key=key)
    wiring = PlatformWiring(kubeconfig=kubeconfig, snapshot_credentials=credentials)
    if problems:
        # Reported once, by path; `prepare` would only repeat that the wiring is missing.
        wiring = PlatformWiring(
            kubeconfig=kubeconfig or "", snapshot_credentials=credentials or _NO_CREDENTIALS
        )
    return wiring, problems


_NO_CREDENTIALS = SnapshotCredentials(access_key_id="", secret_access_key="")


def build_platform(config: PlatformConfig, wiring: PlatformWiring | None = None) -> LlmOpsPlatform:
    """Create the bundle for `config` with its secret wiring (read from stack config when
    not given: `cluster.kubeconfig.secret_config_key` and the snapshot credentials)."""
    if wiring is None:
        wiring, problems = read_wiring(config, pulumi.Config(CONFIG_NAMESPACE).get_secret)
        if problems:
            raise ConfigError(problems, PLATFORM_CONFIG_KEY)
    return LlmOpsPlatform(
        config.cluster.name,
        LlmOpsPlatformArgs(
            config=config,
            kubeconfig=wiring.kubeconfig,
            snapshot_credentials=wiring.snapshot_credentials,
            # Relative local chart paths start at the project (where Pulumi.yaml is).
            project_root=pulumi.get_root_directory(),
        ),
    )


def export_platform(platform: LlmOpsPlatform) -> None:
    """Stack outputs: cluster identity, each pool's scheduling contract, the kubeconfig (secret).

    A pool's `allocation` says how pods get its GPUs: `device-plugin` pools by requesting
    `gpu_resource`; `dra` pools advertise no extended resource (`gpu_resource` None): pods
    reference a ResourceClaimTemplate whose request names the DeviceClass (docs/dra.md)."""
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
                "allocation": contract.allocation,
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
    """The whole stack program. Bad config raises one `ConfigError` before anything registers."""
    config, wiring = read_stack_config()
    platform = build_platform(config, wiring)
    export_platform(platform)
    return platform


def located_in_stack_file(error: ConfigError, path: Path) -> ConfigError:
    """`error` with each problem's file and line in the stack file at `path` (unchanged
    when the file is missing or unreadable: the engine's config is what was validated)."""
    from .config.source import load_yaml

    try:
        document = load_yaml(path, _display(path))
    except ConfigError:
        return error

    def locate(problem_path: str) -> Location | None:
        if problem_path.startswith("config."):
            return document.locate(problem_path)
        return document.locate(problem_path, ("config", PLATFORM_CONFIG_KEY))

    return error.located(locate)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
