"""Fixtures of the on-prem platform tests: each shipped on-prem stack deployed for real.

`deployments` (session) deploys both shipped on-prem stacks and the DRA example
(examples/onprem-dra-gpu-claims, stack `lab`, its own project) at once, each on its own control
plane (the two stacks install the same namespaces: in reality they are two clusters), unless
LLMOPS_E2E_SEQUENTIAL=1 (for timing one stack at a time). `deployment` is module-scoped and
parametrized by the stack, so the tests of a module run in file order for `dev-onprem`, then
for `staging-onprem`; its teardown stops that stack's control plane and checks that no process
is left. The last test of test_onprem.py destroys the stack. Needs `make engine` and
`make venv`; skips with the reason otherwise, fails instead under CI=true.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

E2E = Path(__file__).resolve().parents[1]
REPO = E2E.parent
for entry in (E2E, REPO / "components"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

SHIPPED_ONPREM = ("dev-onprem", "staging-onprem")
# Shipped examples deployed the same way, with their own project: stack -> example folder.
EXAMPLES = {"lab": REPO / "examples" / "onprem-dra-gpu-claims"}
# LLMOPS_E2E_STACKS=lab,dev-onprem: only those (for working on one; `make e2e` runs all).
STACKS = tuple(
    s
    for s in SHIPPED_ONPREM + tuple(EXAMPLES)
    if not os.environ.get("LLMOPS_E2E_STACKS") or s in os.environ["LLMOPS_E2E_STACKS"].split(",")
)
RESULTS: dict[str, dict] = {}


@pytest.fixture(scope="session")
def tier():
    from harness.availability import require_tier

    return require_tier()


@pytest.fixture(scope="session")
def deployments(tier, tmp_path_factory):
    """stack -> started Deployment (or the exception that stopped it)."""
    from harness.deployment import Deployment
    from harness.procs import install_handlers

    install_handlers()  # from the main thread: SIGTERM/SIGHUP end every control plane
    engine, library_python = tier

    workdirs = {stack: tmp_path_factory.mktemp(stack) for stack in STACKS}

    def start(stack: str):
        example = EXAMPLES.get(stack)
        folder = example if example is not None else REPO / "stacks"
        shipped = folder / f"Pulumi.{stack}.yaml"
        d = Deployment(shipped, engine, library_python, workdirs[stack], example=example)
        try:
            return d.__enter__()
        except Exception as e:  # noqa: BLE001 - reported by the tests of that stack
            return e

    workers = 1 if os.environ.get("LLMOPS_E2E_SEQUENTIAL") == "1" else len(STACKS)
    with ThreadPoolExecutor(workers) as pool:
        started = dict(zip(STACKS, pool.map(start, STACKS), strict=True))
    yield started
    for d in started.values():
        if not isinstance(d, Exception):
            d.__exit__(None, None, None)


@pytest.fixture(scope="module", params=STACKS)
def deployment(request, deployments):
    from harness.procs import processes_using

    d = deployments[request.param]
    if isinstance(d, Exception):
        raise d
    yield d
    RESULTS.setdefault(d.name, {}).update(
        {
            "timings_seconds": d.timings,
            "resources_in_state": d.up_resources,
            "mock_resources": len(d.recording.resources),
            "pulumi_runs": [(" ".join(r.args[:3]), round(r.seconds, 1)) for r in d.cli.log],
        }
    )
    d.__exit__(None, None, None)
    leftovers = processes_using(d.workdir)
    assert not leftovers, "processes left after teardown:\n" + "\n".join(leftovers)


def pytest_sessionfinish(session, exitstatus):
    if not RESULTS:
        return
    text = json.dumps(RESULTS, indent=2, default=str)
    print("\nreal-engine platform timings:", text)
    if os.environ.get("LLMOPS_E2E_TIMINGS"):
        Path(os.environ["LLMOPS_E2E_TIMINGS"]).write_text(text)
