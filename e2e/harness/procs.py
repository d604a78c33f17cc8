"""Start and stop the tier's long-running processes, each in a process group of its own.

Every process is started with `start_new_session=True`, so its pid is also its process-group id
and `stop()` can end it and anything it spawned with `os.killpg(pid, ...)`: SIGTERM, a grace
period, then SIGKILL. Supervisors stop in reverse start order, on `__exit__`, at interpreter exit
(atexit) and on SIGTERM/SIGHUP (turned into SystemExit so context managers unwind), which covers a
failing test as well as a killed pytest. Nothing is ever ended by name.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

_LIVE: weakref.WeakSet[Supervisor] = weakref.WeakSet()
_LOCK = threading.Lock()
_HANDLERS_INSTALLED = False


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    log_path: Path
    argv: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Supervisor:
    """Owns a set of process groups; `stop_all()` ends every one of them by its own pid."""

    def __init__(self, log_dir: Path):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.procs: list[Proc] = []
        install_handlers()
        with _LOCK:
            _LIVE.add(self)

    def start(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> Proc:
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "ab") as fh:
            popen = subprocess.Popen(
                [str(a) for a in argv],
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=cwd,
                start_new_session=True,
            )
        proc = Proc(name, popen, log_path, [str(a) for a in argv])
        self.procs.append(proc)
        return proc

    def stop(self, proc: Proc, grace: float = 10.0) -> None:
        if proc.popen.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.popen.wait(timeout=10)
        # Leftovers of the group (children that outlived their leader) get SIGKILL too; only
        # while the group still has members, so a recycled pid is never signalled.
        if group_members(proc.pid):
            _signal_group(proc.pid, signal.SIGKILL)

    def stop_all(self, grace: float = 10.0) -> None:
        while self.procs:
            self.stop(self.procs.pop(), grace)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.alive()]


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def group_members(pgid: int) -> list[int]:
    """Pids still in process group pgid (read from /proc; empty where /proc is missing)."""
    members = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return members


def stop_everything() -> None:
    with _LOCK:
        sups = list(_LIVE)
    for sup in sups:
        sup.stop_all(grace=5.0)


def install_handlers() -> None:
    global _HANDLERS_INSTALLED
    if _HANDLERS_INSTALLED:
        return
    _HANDLERS_INSTALLED = True
    atexit.register(stop_everything)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(sig)
        if previous in (signal.SIG_DFL, None):

            def handler(signum, frame, _sig=sig):
                stop_everything()
                raise SystemExit(128 + _sig)

            signal.signal(sig, handler)


def wait_for(predicate, timeout: float, interval: float = 0.25, what: str = "condition"):
    """Poll predicate() until it returns a truthy value; raise TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - remembered and reported on timeout
            last_exc = e
        time.sleep(interval)
    raise TimeoutError(
        f"timed out after {timeout:.0f} s waiting for {what}"
        + (f": {last_exc}" if last_exc else "")
    )


def processes_using(*paths: Path, exclude: tuple[int, ...] = ()) -> list[str]:
    """Live processes whose command line names, or whose working directory is inside, one of
    `paths` ("pid: command line"); zombies and `exclude` pids are skipped. Standard library."""
    needles = [str(Path(p).resolve()) for p in paths]
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        if pid == os.getpid() or pid in exclude:
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            try:
                cwd = os.readlink(entry / "cwd")
            except OSError:
                cwd = ""
        except (OSError, IndexError):
            continue
        if any(n in cmd or cwd == n or cwd.startswith(n + "/") for n in needles):
            found.append(f"{pid}: {cmd[:240]}")
    return found


if __name__ == "__main__":  # python e2e/harness/procs.py <dir>...: exit 1 if a process is left
    import sys

    left = processes_using(*map(Path, sys.argv[1:]), exclude=(os.getppid(),))
    print("\n".join(left) if left else "no process left under " + " ".join(sys.argv[1:]))
    sys.exit(1 if left else 0)
