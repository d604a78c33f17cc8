"""Run any Pulumi Python project's `__main__.py` on the mock engine, the way `pulumi up` would.

Its folder goes on `sys.path`, its `Pulumi.<stack>.yaml` becomes the stack config and its
`Pulumi.yaml` name the project. The project's own modules are purged from `sys.modules`
afterwards, so two projects never share a package. Used for the examples and for
`llmops check --program` (a platform team's hand-composed program).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import yaml

from ..config.errors import ConfigError, Problem
from .engine import run_program
from .recording import Recording
from .stack_file import read_stack_file


def project_name(folder: Path) -> str:
    """The `name` of `<folder>/Pulumi.yaml`."""
    path = folder / "Pulumi.yaml"
    if not path.is_file():
        raise ConfigError([Problem("", "no Pulumi.yaml in the program folder", str(folder))])
    document = yaml.safe_load(path.read_text()) or {}
    name = document.get("name") if isinstance(document, dict) else None
    if not isinstance(name, str) or not name:
        raise ConfigError([Problem("name", "Pulumi.yaml needs a project name")], str(path))
    return name


def run_project(folder: Path, stack_file: Path) -> Recording:
    """Run `<folder>/__main__.py` with the config of `stack_file`; return what it registered."""
    main = folder / "__main__.py"
    if not main.is_file():
        raise ConfigError([Problem("", "no __main__.py in the program folder", str(folder))])
    stack = read_stack_file(stack_file)
    project = project_name(folder)
    sys.path.insert(0, str(folder))
    try:
        recording, _ = run_program(
            lambda: runpy.run_path(str(main), run_name="__main__"),
            config=stack.config,
            secret_keys=stack.secret_keys,
            project=project,
            stack=stack.stack,
        )
    finally:
        sys.path.remove(str(folder))
        for module in _own_modules(folder):
            del sys.modules[module]
    return recording


def _own_modules(folder: Path) -> list[str]:
    prefix = str(folder.resolve()) + "/"
    return [
        name
        for name, module in list(sys.modules.items())
        if (str(Path(getattr(module, "__file__", None) or "/").resolve())).startswith(prefix)
    ]
