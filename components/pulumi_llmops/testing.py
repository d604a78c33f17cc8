"""Test helpers for programs built on pulumi-llmops: the mock engine the offline plan uses.

A platform team's unit tests of their own EKS/GKE/AKS composition run on Pulumi's mock
engine (no cloud account, no Pulumi CLI) with the same deterministic ids and fake cloud
outputs (`certificateAuthority`, OIDC issuer, kubeconfigs...) that `llmops plan` uses:

```python
import pulumi
from pulumi_llmops import testing

recording = testing.set_mocks()           # before the program's resources are created

@pulumi.runtime.test
def test_my_platform():
    build_my_platform()                   # EksCluster(...), EksGpuNodePool(...), ...
    return pulumi.Output.all().apply(lambda _: check(recording))

def check(recording):
    assert "aws:eks/cluster:Cluster" in recording.type_counts()
```

Or run a whole program and inspect what registered: `recording, value = testing.run(main,
config={"llmops:platform": json.dumps({...})})`. Pulumi's plain echo mocks
(`new_resource` returning the inputs) also work with every component; these mocks add the
outputs a cluster needs (endpoint, CA data) so kubeconfigs and providers are realistic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi

from .offline.engine import LlmOpsMocks, RecordingMonitor, run_program
from .offline.fake_outputs import (
    fake_call_result,
    fake_outputs,
    register_fake_call,
    register_fake_outputs,
)
from .offline.recording import SECRET, UNKNOWN, RecordedResource, Recording

__all__ = [
    "SECRET",
    "UNKNOWN",
    "LlmOpsMocks",
    "RecordedResource",
    "Recording",
    "RecordingMonitor",
    "fake_call_result",
    "fake_outputs",
    "register_fake_call",
    "register_fake_outputs",
    "run",
    "set_mocks",
]


def set_mocks(
    *,
    project: str = "project",
    stack: str = "stack",
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    preview: bool = False,
) -> Recording:
    """Install the library's mocks for `@pulumi.runtime.test` tests; return the `Recording`
    that fills up as resources register (type, name, inputs, parent, provider, options).

    `config` is flat Pulumi config (`{"llmops:platform": "<json>"}`), `secret_keys` the keys
    that read back as secrets.
    """
    monitor = RecordingMonitor(LlmOpsMocks())
    if config is not None:
        pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=preview, monitor=monitor
    )
    return monitor.recording


def run(
    program: Callable[[], Any],
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    project: str = "project",
    stack: str = "stack",
) -> tuple[Recording, Any]:
    """Run `program` to completion on the mock engine: (what registered, its return value).
    Stack outputs are resolved into `Recording.outputs` (secrets as `SECRET`)."""
    return run_program(
        program, config=config, secret_keys=secret_keys, project=project, stack=stack
    )
