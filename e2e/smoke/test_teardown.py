"""The control plane leaves no process behind: on an exception inside `with`, and on SIGTERM.

Same skip/fail rule as test_smoke.py (engine not built: skip; under CI=true: fail).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_smoke import _engine

E2E = Path(__file__).resolve().parents[1]


def _alive(pids: list[int]) -> list[int]:
    out = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.append(pid)
    return out


def test_exception_inside_with_stops_every_process(tmp_path):
    engine = _engine()
    from harness import ControlPlane

    pids: list[int] = []
    with (
        pytest.raises(RuntimeError, match="boom"),
        ControlPlane(engine.bin, workdir=tmp_path) as cp,
    ):
        pids = cp.pids()
        assert len(pids) == 5  # etcd, apiserver, controller-manager, scheduler, kwok
        raise RuntimeError("boom")
    assert _alive(pids) == []


def test_sigterm_stops_every_process(tmp_path):
    engine = _engine()
    pidfile = tmp_path / "pids"
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(E2E)!r})
        from harness import ControlPlane
        cp = ControlPlane({str(engine.bin)!r}, workdir={str(tmp_path / "cp")!r}).start()
        open({str(pidfile)!r}, "w").write(" ".join(map(str, cp.pids())))
        time.sleep(600)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 120
        while not pidfile.exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.2)
        assert pidfile.exists(), "control plane did not start in the child"
        pids = [int(p) for p in pidfile.read_text().split()]
        assert len(_alive(pids)) == 5
        os.kill(child.pid, signal.SIGTERM)
        assert child.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert _alive(pids) == []
