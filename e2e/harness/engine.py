"""Find the binaries `make engine` built and run the real Pulumi CLI with them, fully offline.

`find_engine()` asks e2e/engine/build.py for the cache folder of the current pins (it needs Go
for the key), or takes $LLMOPS_ENGINE_DIR; it returns None with the reason when nothing complete
is there. `PulumiCli` runs `pulumi` with the tier's environment: a file backend, passphrase
secrets, no update check, no plugin downloads, the engine's bin folder first on PATH, and HOME,
PULUMI_HOME and HELM_* inside a temp folder.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

E2E = Path(__file__).resolve().parents[1]
BUILD_PY = E2E / "engine" / "build.py"
REQUIRED = (
    "pulumi",
    "pulumi-language-python",
    "pulumi-language-python-exec",
    "pulumi-resource-kubernetes",
    "pulumi-resource-random",
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
)


@dataclass(frozen=True)
class Engine:
    dir: Path
    manifest: dict

    @property
    def bin(self) -> Path:
        return Path(self.manifest.get("bin_dir") or self.dir / "bin")

    @property
    def python(self) -> str:
        """Interpreter of Pulumi programs and policy packs: $LLMOPS_E2E_PYTHON, else the one
        running the tests (the tier's venv under `make e2e-smoke`)."""
        return os.environ.get("LLMOPS_E2E_PYTHON") or sys.executable


def _load_build():
    spec = importlib.util.spec_from_file_location("llmops_e2e_build", BUILD_PY)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def find_engine() -> tuple[Engine | None, str]:
    """(engine, "") when every required binary is there, else (None, why not)."""
    if os.environ.get("LLMOPS_ENGINE_DIR"):
        edir = Path(os.environ["LLMOPS_ENGINE_DIR"])
    else:
        build = _load_build()
        try:
            edir = build.engine_dir()
        except (OSError, subprocess.CalledProcessError) as e:
            return None, f"cannot run `go version` ({e}); run `make engine`"
        if edir is None:
            need = ".".join(map(str, build.MIN_GO))
            return None, (
                f"Go is not installed (no `go` on PATH): install Go >= {need} and run `make e2e`,"
                " which builds the engine first"
            )
    mpath = edir / "manifest.json"
    if not mpath.exists():
        return None, f"engine not built for the current pins ({mpath} missing): run `make engine`"
    manifest = json.loads(mpath.read_text())
    engine = Engine(edir, manifest)
    missing = [b for b in REQUIRED if not (engine.bin / b).exists()]
    if missing:
        return (
            None,
            f"engine in {engine.bin} incomplete (missing {', '.join(missing)}): run `make engine`",
        )
    return engine, ""


@dataclass
class Result:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def check(self) -> Result:
        if self.returncode != 0:
            raise AssertionError(
                f"`{' '.join(self.args)}` exited {self.returncode} after {self.seconds:.0f} s\n"
                f"--- stdout ---\n{self.stdout[-8000:]}\n--- stderr ---\n{self.stderr[-8000:]}"
            )
        return self


@dataclass
class PulumiCli:
    engine: Engine
    workdir: Path
    project_dir: Path
    kubeconfig: Path
    passphrase: str = "llmops-e2e-not-a-secret"
    extra_env: dict[str, str] = field(default_factory=dict)
    log: list[Result] = field(default_factory=list)

    def env(self) -> dict[str, str]:
        wd = Path(self.workdir)
        for sub in ("home", "pulumi-home", "state", "helm/cache", "helm/config", "helm/data"):
            (wd / sub).mkdir(parents=True, exist_ok=True)
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PULUMI_", "KUBE", "HELM_")) and k not in ("VIRTUAL_ENV",)
        }
        python_bin = str(Path(self.engine.python).parent)
        env = {
            **base,
            "PATH": os.pathsep.join([str(self.engine.bin), python_bin, base.get("PATH", "")]),
            "HOME": str(wd / "home"),
            "PULUMI_HOME": str(wd / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{wd / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": self.passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
            "PULUMI_SKIP_CHECKPOINTS": "true",
            "PULUMI_PYTHON_CMD": self.engine.python,
            "KUBECONFIG": str(self.kubeconfig),
            "HELM_CACHE_HOME": str(wd / "helm/cache"),
            "HELM_CONFIG_HOME": str(wd / "helm/config"),
            "HELM_DATA_HOME": str(wd / "helm/data"),
            "NO_COLOR": "1",
            **self.extra_env,
        }
        return env

    def run(
        self, *args: str, check: bool = True, timeout: float = 900.0, cwd: Path | None = None
    ) -> Result:
        argv = [str(self.engine.bin / "pulumi"), "--non-interactive", "--color=never", *args]
        t0 = time.monotonic()
        p = subprocess.run(
            argv,
            cwd=cwd or self.project_dir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        res = Result(["pulumi", *args], p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
        self.log.append(res)
        logs = Path(self.workdir) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        slug = "-".join(a.strip("-") for a in args[:2] if not a.startswith("/"))
        (logs / f"{len(self.log):02d}-{slug}.txt").write_text(
            f"$ pulumi {' '.join(args)}\n# exit {p.returncode} after {res.seconds:.1f} s\n"
            f"--- stdout ---\n{p.stdout}\n--- stderr ---\n{p.stderr}\n"
        )
        return res.check() if check else res
