#!/usr/bin/env python3
"""Build the real-engine binaries from the pinned Go modules next to this file.

What it builds (sequentially: the machine has two cores and other work runs on them):

- `pulumi` (CLI v3.274.1) from module `pulumicli/`;
- `pulumi-resource-kubernetes` (v4.25.0) from module `k8sprovider/`: upstream `main.go` is copied
  out of the Go module cache and its two generated embed files are produced into a build folder
  at build time (nothing of it is committed);
- `kube-apiserver`, `kube-controller-manager`, `kube-scheduler` (v1.36.3) and `etcd` (v3.6.8)
  from module `kube/`;
- `kwok`, `kwokctl` (v0.8.0) from module `kwok/`;
- `pulumi-language-python-exec`, installed from the `sdk/v3` module zip;
- the project's stand-ins for what the Go module proxy does not serve (see `fallbacks/`):
  `pulumi-language-python` and `pulumi-resource-random`.

Binaries go to `<cache>/<key>/bin`, where `<cache>` is `$LLMOPS_ENGINE_CACHE`, else
`${XDG_CACHE_HOME:-~/.cache}/pulumi-llmops/engine`, and `<key>` is a sha256 over every go.mod and
go.sum here, the build recipe below and `go version`. A binary already present is not rebuilt, so
a second run builds nothing. `manifest.json` in `<cache>/<key>/` records what was built, the
versions, the timings and which stand-ins are in use; `<cache>/current.json` is a copy of the
newest one.

`--venv` also creates the tier's Python virtualenv from `e2e/requirements.txt` (keyed by that
file and the interpreter version) and records its interpreter in the manifest.

Standard library only. Without Go, it prints what to install and exits 2.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
E2E = HERE.parent
REQUIREMENTS = E2E / "requirements.txt"

# Bump when anything in the recipe below changes in a way the go.sum files do not show.
RECIPE_REVISION = "1"

PULUMI_VERSION = "v3.274.1"
PULUMI_VERSION_VAR = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
K8S_PROVIDER_VERSION = "4.25.0"
K8S_PROVIDER_MODULE = "github.com/pulumi/pulumi-kubernetes/provider/v4"
KUBE_VERSION = "v1.36.3"
# Release time of k8s.io/kubernetes v1.36.3 as the proxy reports it: a reproducible buildDate.
KUBE_BUILD_DATE = "2026-07-22T18:07:38Z"
ETCD_VERSION = "v3.6.8"
KWOK_VERSION = "v0.8.0"

MIN_GO = (1, 26, 6)  # the highest `go` line of the modules here (pulumicli/go.mod)


def _kube_ldflags() -> str:
    major, minor = KUBE_VERSION.lstrip("v").split(".")[:2]
    flags = ["-s", "-w"]
    # Same variables as kubernetes' hack/lib/version.sh sets, for both version packages.
    for pkg in ("k8s.io/client-go/pkg/version", "k8s.io/component-base/version"):
        for key, value in (
            ("gitVersion", KUBE_VERSION),
            ("gitMajor", major),
            ("gitMinor", minor),
            ("gitTreeState", "clean"),
            ("buildDate", KUBE_BUILD_DATE),
        ):
            flags.append(f"-X {pkg}.{key}={value}")
    return " ".join(flags)


@dataclass(frozen=True)
class Binary:
    name: str
    module: str  # folder under e2e/engine
    package: str  # main package to build ("." = the generated main package of a build folder)
    version: str
    tags: str = ""
    ldflags: str = "-s -w"
    generated_main: bool = False  # k8sprovider: main.go + embeds produced at build time
    notes: str = ""


BINARIES: tuple[Binary, ...] = (
    Binary(
        "pulumi",
        "pulumicli",
        "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
        PULUMI_VERSION,
        tags="osusergo,grpcnotrace",
        ldflags=f"-s -w -X {PULUMI_VERSION_VAR}={PULUMI_VERSION}",
    ),
    Binary(
        "pulumi-resource-kubernetes",
        "k8sprovider",
        "./cmd/pulumi-resource-kubernetes",
        K8S_PROVIDER_VERSION,
        ldflags=f"-s -w -X {K8S_PROVIDER_MODULE}/pkg/version.Version={K8S_PROVIDER_VERSION}",
        generated_main=True,
        notes="provider/v4 pseudo-version v4.0.0-20260115033456-f47bc2d6f199 = release v4.25.0",
    ),
    Binary(
        "kube-apiserver",
        "kube",
        "k8s.io/kubernetes/cmd/kube-apiserver",
        KUBE_VERSION,
        tags="selinux,notest,grpcnotrace",
        ldflags=_kube_ldflags(),
    ),
    Binary(
        "kube-controller-manager",
        "kube",
        "k8s.io/kubernetes/cmd/kube-controller-manager",
        KUBE_VERSION,
        tags="selinux,notest,grpcnotrace",
        ldflags=_kube_ldflags(),
    ),
    Binary(
        "kube-scheduler",
        "kube",
        "k8s.io/kubernetes/cmd/kube-scheduler",
        KUBE_VERSION,
        tags="selinux,notest,grpcnotrace",
        ldflags=_kube_ldflags(),
    ),
    Binary("etcd", "kube", "go.etcd.io/etcd/server/v3", ETCD_VERSION),
    Binary("kwok", "kwok", "sigs.k8s.io/kwok/cmd/kwok", KWOK_VERSION),
    Binary("kwokctl", "kwok", "sigs.k8s.io/kwok/cmd/kwokctl", KWOK_VERSION),
)

MODULES = ("pulumicli", "k8sprovider", "kube", "kwok")

# kwok's default node and pod stages (what kwokctl installs when no Stage is given).
KWOK_STAGES = (
    "node/fast/node-initialize.yaml",
    "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
    "pod/fast/pod-ready.yaml",
    "pod/fast/pod-complete.yaml",
    "pod/fast/pod-delete.yaml",
)

# Stand-ins for Go modules the proxy refuses (probed 2026-12-02, see PROBE.md).
FALLBACKS = {
    "pulumi-language-python": {
        "script": "pulumi_language_python.py",
        "replaces": "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"
        " (not served by the Go module proxy)",
        "what": "project-owned Python implementation of the LanguageRuntime gRPC service",
    },
    "pulumi-resource-random": {
        "script": "pulumi_resource_random.py",
        "replaces": "github.com/pulumi/pulumi-random/provider/v4"
        " (not served by the Go module proxy)",
        "what": "STAND-IN provider: implements only random:index/randomPassword:RandomPassword, "
        "reporting the version the installed pulumi-random wheel requests",
    },
}

WRAPPER = """#!/bin/sh
# Project-owned stand-in installed by e2e/engine/build.py (see {script} for what it is and why).
# The interpreter needs grpcio and the pulumi SDK: the tier's virtualenv provides both.
for py in "$LLMOPS_FALLBACK_PYTHON" "$PULUMI_PYTHON_CMD" python3 python; do
  if [ -n "$py" ] && command -v "$py" >/dev/null 2>&1; then
    exec "$py" -u "$(dirname "$0")/fallbacks/{script}" "$@"
  fi
done
echo "{name}: no python interpreter found (set PULUMI_PYTHON_CMD)" >&2
exit 1
"""


def log(msg: str) -> None:
    print(f"[engine] {msg}", flush=True)


class BuildError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------------
# Go toolchain and cache key


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    env["GOTOOLCHAIN"] = "local"  # a go>=X requirement must fail loudly, never fetch a toolchain
    env["CGO_ENABLED"] = "0"
    env["GOFLAGS"] = "-mod=readonly -buildvcs=false"  # the committed go.mod/go.sum are the pins
    return env


def find_go() -> str | None:
    return shutil.which("go")


def go_version(go: str) -> str:
    out = subprocess.run([go, "version"], capture_output=True, text=True, check=True, env=go_env())
    return out.stdout.strip()


def parse_go_version(text: str) -> tuple[int, ...]:
    m = re.search(r"go(\d+)\.(\d+)(?:\.(\d+))?", text)
    if not m:
        return (0,)
    return tuple(int(x or 0) for x in m.groups())


def cache_root() -> Path:
    if os.environ.get("LLMOPS_ENGINE_CACHE"):
        return Path(os.environ["LLMOPS_ENGINE_CACHE"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "pulumi-llmops" / "engine"


def recipe_text() -> str:
    return json.dumps(
        {"revision": RECIPE_REVISION, "binaries": [b.__dict__ for b in BINARIES]}, sort_keys=True
    )


def cache_key(go_ver: str) -> str:
    h = hashlib.sha256()
    for mod in MODULES:
        for fname in ("go.mod", "go.sum"):
            path = HERE / mod / fname
            h.update(f"{mod}/{fname}\0".encode())
            h.update(path.read_bytes())
            h.update(b"\0")
    h.update(recipe_text().encode())
    h.update(go_ver.encode())
    return h.hexdigest()[:16]


def engine_dir(go: str | None = None) -> Path | None:
    """The cache folder for the current pins and Go, or None when Go is missing."""
    go = go or find_go()
    if go is None:
        return None
    return cache_root() / cache_key(go_version(go))


# ---------------------------------------------------------------------------------------------
# Running go with timing and peak memory


@dataclass
class Measured:
    seconds: float
    peak_rss_mib: float
    returncode: int
    output: str = ""


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str], log_path: Path) -> Measured:
    """Run cmd, logging to log_path; returns wall time and the peak RSS of its process tree.

    The rusage of a reaped child includes its waited-for descendants (the compiler and linker
    processes `go build` starts), and ru_maxrss is the largest of them.
    """
    t0 = time.monotonic()
    with open(log_path, "ab") as fh:
        fh.write(("$ " + " ".join(cmd) + "\n").encode())
        fh.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        _, status, rusage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - t0
    return Measured(seconds, rusage.ru_maxrss / 1024.0, proc.returncode)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def module_dir(go: str, module_path: str, cwd: Path, env: dict[str, str]) -> Path:
    out = subprocess.run(
        [go, "mod", "download", "-json", module_path],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise BuildError(f"go mod download {module_path} failed:\n{out.stdout}{out.stderr}")
    return Path(json.loads(out.stdout)["Dir"])


# ---------------------------------------------------------------------------------------------
# The Kubernetes provider's generated main package


def prepare_k8sprovider(go: str, build_root: Path, env: dict[str, str]) -> Path:
    """Copy go.mod/go.sum and upstream main.go into a build folder; generate the embed files.

    Does what upstream's `go generate` (cmd/pulumi-resource-kubernetes/generate.go) does: set
    `version` in schema.json and write it compact as schema-embed.json, and write
    terraform-mapping.json compact as terraform-mapping-embed.json.
    """
    src_mod = HERE / "k8sprovider"
    dst = build_root / "k8sprovider"
    main_dir = dst / "cmd" / "pulumi-resource-kubernetes"
    main_dir.mkdir(parents=True, exist_ok=True)
    for fname in ("go.mod", "go.sum"):
        shutil.copyfile(src_mod / fname, dst / fname)
    upstream = (
        module_dir(go, K8S_PROVIDER_MODULE, src_mod, env) / "cmd" / "pulumi-resource-kubernetes"
    )
    main_go = main_dir / "main.go"
    shutil.copyfile(upstream / "main.go", main_go)
    main_go.chmod(0o644)  # module-cache files are read-only
    for extra in ("helm-mapping.json",):  # embedded by newer provider versions only
        if (upstream / extra).exists():
            shutil.copyfile(upstream / extra, main_dir / extra)
            (main_dir / extra).chmod(0o644)
    schema = json.loads((upstream / "schema.json").read_text())
    schema["version"] = K8S_PROVIDER_VERSION
    (main_dir / "schema-embed.json").write_text(json.dumps(schema, separators=(",", ":")))
    mapping = json.loads((upstream / "terraform-mapping.json").read_text())
    (main_dir / "terraform-mapping-embed.json").write_text(
        json.dumps(mapping, separators=(",", ":"))
    )
    return dst


# ---------------------------------------------------------------------------------------------
# Manifest


@dataclass
class Manifest:
    path: Path
    data: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        data = {}
        if path.exists():
            try:
                data = json.loads(path.read_text())
            except ValueError:
                data = {}
        return cls(path, data)

    def save(self, current: Path) -> None:
        text = json.dumps(self.data, indent=2, sort_keys=True) + "\n"
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(self.path)
        current.write_text(text)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def install_file(src: Path, dst: Path, mode: int = 0o755) -> bool:
    """Copy src to dst with mode (like `install -m`); returns True if dst changed."""
    data = src.read_bytes()
    if dst.exists() and dst.read_bytes() == data and stat.S_IMODE(dst.stat().st_mode) == mode:
        return False
    tmp = dst.with_name("." + dst.name + ".tmp")
    tmp.write_bytes(data)
    tmp.chmod(mode)
    tmp.replace(dst)
    return True


# ---------------------------------------------------------------------------------------------
# Tier virtualenv


def venv_dir() -> Path:
    h = hashlib.sha256(REQUIREMENTS.read_bytes())
    h.update(sys.version.encode())
    return cache_root() / f"venv-{h.hexdigest()[:12]}"


def ensure_venv() -> Path:
    vdir = venv_dir()
    python = vdir / "bin" / "python"
    stamp = vdir / ".installed"
    if stamp.exists() and python.exists():
        log(f"venv {vdir} present, skipped")
        return python
    t0 = time.monotonic()
    log(f"venv {vdir} from {REQUIREMENTS.relative_to(E2E.parent)} ...")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(vdir)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-compile", "-r", str(REQUIREMENTS)],
        check=True,
    )
    stamp.write_text(REQUIREMENTS.read_text())
    log(f"venv ready in {time.monotonic() - t0:.1f} s")
    return python


def requested_random_version(python: Path | None) -> str | None:
    """Version of the random plugin the installed pulumi-random wheel asks the engine for."""
    if python is None:
        return None
    code = (
        "import json, importlib.util, pathlib; s = importlib.util.find_spec('pulumi_random');"
        "p = pathlib.Path(s.origin).parent / 'pulumi-plugin.json';"
        "print(json.loads(p.read_text())['version'])"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return out.stdout.strip() or None


# ---------------------------------------------------------------------------------------------
# Main


def missing_go_message() -> str:
    return (
        "Go is not installed (no `go` on PATH).\n"
        f"The real-engine tier builds its binaries from Go modules and needs Go >= "
        f"{'.'.join(map(str, MIN_GO))} (the polyglot machine has go1.26.8):\n"
        "  - install a Go toolchain of that version (distribution package or official archive),\n"
        "  - put `go` on PATH and run `make e2e` (or `make engine`) again.\n"
        "GOTOOLCHAIN=local is forced: no toolchain is ever downloaded."
    )


def build(args: argparse.Namespace) -> int:
    go = find_go()
    if go is None:
        print(missing_go_message(), file=sys.stderr)
        return 2
    gover = go_version(go)
    if parse_go_version(gover) < MIN_GO:
        print(
            f"{gover} is too old: the pinned modules need Go >= {'.'.join(map(str, MIN_GO))}",
            file=sys.stderr,
        )
        return 2
    env = go_env()
    if args.gogc:
        env["GOGC"] = args.gogc

    key = cache_key(gover)
    root = cache_root()
    edir = root / key
    bin_dir = (
        Path(os.environ["LLMOPS_ENGINE_BIN"]).expanduser()
        if os.environ.get("LLMOPS_ENGINE_BIN")
        else edir / "bin"
    )
    build_root = edir / "build"
    logs = edir / "logs"
    for d in (bin_dir, build_root, logs, bin_dir / "fallbacks"):
        d.mkdir(parents=True, exist_ok=True)
    log(f"{gover}; cache key {key}; bin {bin_dir}")

    manifest = Manifest.load(edir / "manifest.json")
    m = manifest.data
    m.update(
        {
            "cache_key": key,
            "go_version": gover,
            "bin_dir": str(bin_dir),
            "engine_dir": str(edir),
            "recipe_revision": RECIPE_REVISION,
        }
    )
    m.setdefault("binaries", {})
    t_all = time.monotonic()
    built = 0

    selected = [b for b in BINARIES if not args.only or b.name in args.only]
    for b in selected:
        target = bin_dir / b.name
        entry = m["binaries"].setdefault(b.name, {})
        entry.update(
            {
                "version": b.version,
                "module": f"e2e/engine/{b.module}",
                "package": b.package,
                "tags": b.tags,
                "ldflags": b.ldflags,
            }
        )
        if b.notes:
            entry["notes"] = b.notes
        if target.exists() and os.access(target, os.X_OK):
            log(f"{b.name:<28} present, skipped")
            entry["last_run"] = "present"
            continue
        cwd = HERE / b.module
        package = b.package
        if b.generated_main:
            cwd = prepare_k8sprovider(go, build_root, env)
        tmp_out = bin_dir / f".{b.name}.partial"
        cmd = [go, "build", "-trimpath", "-o", str(tmp_out)]
        if b.tags:
            cmd += ["-tags", b.tags]
        if b.ldflags:
            cmd += ["-ldflags", b.ldflags]
        cmd.append(package)
        log(f"{b.name:<28} building ...")
        res = run_measured(cmd, cwd, env, logs / f"{b.name}.log")
        if res.returncode != 0:
            tmp_out.unlink(missing_ok=True)
            log(f"{b.name:<28} FAILED after {res.seconds:.1f} s; log {logs / (b.name + '.log')}")
            print(tail(logs / f"{b.name}.log"), file=sys.stderr)
            m["status"] = f"failed: {b.name}"
            manifest.save(root / "current.json")
            return 1
        tmp_out.replace(target)
        built += 1
        entry.update(
            {
                "build_seconds": round(res.seconds, 1),
                "peak_rss_mib": round(res.peak_rss_mib),
                "size_bytes": target.stat().st_size,
                "sha256": sha256_file(target),
                "last_run": "built",
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
        )
        log(f"{b.name:<28} built in {res.seconds:.1f} s (peak RSS {res.peak_rss_mib:.0f} MiB)")
        manifest.save(root / "current.json")

    # pulumi-language-python-exec: a plain file of the sdk/v3 module zip.
    sdk_dir = module_dir(go, "github.com/pulumi/pulumi/sdk/v3", HERE / "pulumicli", env)
    shim = sdk_dir / "python" / "cmd" / "pulumi-language-python-exec"
    changed = install_file(shim, bin_dir / "pulumi-language-python-exec")
    log(
        f"{'pulumi-language-python-exec':<28} "
        f"{'installed' if changed else 'present, skipped'} (from {shim})"
    )
    m["binaries"]["pulumi-language-python-exec"] = {
        "version": PULUMI_VERSION,
        "source": "github.com/pulumi/pulumi/sdk/v3@"
        + PULUMI_VERSION
        + ":python/cmd/pulumi-language-python-exec",
        "sha256": sha256_file(bin_dir / "pulumi-language-python-exec"),
    }

    # kwok's default stages (fake kubelet behaviour), data files of the kwok module zip.
    kwok_dir = module_dir(go, "sigs.k8s.io/kwok", HERE / "kwok", env)
    share = edir / "share"
    share.mkdir(exist_ok=True)
    docs = [(kwok_dir / "kustomize" / "stage" / rel).read_text().strip() for rel in KWOK_STAGES]
    (share / "kwok-stages.yaml").write_text("\n---\n".join(docs) + "\n")
    m["kwok_stages"] = {
        "file": str(share / "kwok-stages.yaml"),
        "from": [f"sigs.k8s.io/kwok@{KWOK_VERSION}:kustomize/stage/{r}" for r in KWOK_STAGES],
    }
    log(f"{'kwok stages':<28} {share / 'kwok-stages.yaml'} ({len(docs)} stages)")

    python = ensure_venv() if args.venv else None
    if python is not None:
        m["python"] = str(python)
        m["venv_requirements"] = REQUIREMENTS.read_text().splitlines()

    # Stand-ins, refreshed on every run (cheap; they are not part of the cache key).
    m["fallbacks"] = {}
    for name, info in FALLBACKS.items():
        src = HERE / "fallbacks" / info["script"]
        install_file(src, bin_dir / "fallbacks" / info["script"], 0o644)
        wrapper = bin_dir / "fallbacks" / f".{name}.sh"
        wrapper.write_text(WRAPPER.format(script=info["script"], name=name))
        install_file(wrapper, bin_dir / name)
        wrapper.unlink()
        entry = {
            "in_use": True,
            "replaces": info["replaces"],
            "what": info["what"],
            "script": f"e2e/engine/fallbacks/{info['script']}",
            "sha256": sha256_file(src),
        }
        if name == "pulumi-resource-random":
            entry["reports_version"] = (
                requested_random_version(python) or "read at run time from the pulumi_random wheel"
            )
        m["fallbacks"][name] = entry
        log(f"{name:<28} stand-in installed ({info['what'].split(':')[0]})")

    m["status"] = "complete" if all((bin_dir / b.name).exists() for b in BINARIES) else "partial"
    m["last_run_seconds"] = round(time.monotonic() - t_all, 1)
    m["last_run_built"] = built
    manifest.save(root / "current.json")
    log(
        f"done in {time.monotonic() - t_all:.1f} s; built {built} binaries; "
        f"manifest {manifest.path}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", action="store_true", help="also create the tier's Python virtualenv")
    ap.add_argument("--only", nargs="*", help="build only these binaries (names as in BINARIES)")
    ap.add_argument("--gogc", help="GOGC for the compiler (e.g. 400 trades memory for speed)")
    ap.add_argument(
        "--print-dir",
        action="store_true",
        help="print the engine folder for the current pins and exit",
    )
    ap.add_argument(
        "--print-python", action="store_true", help="print the tier venv's python and exit"
    )
    args = ap.parse_args(argv)
    if args.print_python:
        print(venv_dir() / "bin" / "python")
        return 0
    if args.print_dir:
        d = engine_dir()
        if d is None:
            print(missing_go_message(), file=sys.stderr)
            return 2
        print(d)
        return 0
    try:
        return build(args)
    except BuildError as e:
        print(f"[engine] {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
