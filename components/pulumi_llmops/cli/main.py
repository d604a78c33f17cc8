"""The `llmops` command line: offline plan (and, later, policy checks) without a cloud account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..config.errors import ConfigError

DEFAULT_STACK = "dev-onprem"
EXIT_CONFIG_ERROR = 2

app = typer.Typer(
    name="llmops",
    help="pulumi-llmops: plan and check LLMOps platform stacks offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """pulumi-llmops: plan and check LLMOps platform stacks offline."""


StackOption = Annotated[
    str | None,
    typer.Option(
        "--stack", "-s", help=f"Stack name: stacks/Pulumi.<NAME>.yaml [default: {DEFAULT_STACK}]"
    ),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="A stack config file (instead of --stack).")
]
StacksDirOption = Annotated[
    Path, typer.Option("--stacks-dir", help="Folder holding Pulumi.<stack>.yaml files.")
]


@app.command()
def plan(
    stack: StackOption = None,
    config: ConfigOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    stacks_dir: StacksDirOption = Path("stacks"),
) -> None:
    """Run the stack program on Pulumi's mock engine and print what it would create."""
    from ..offline.plan import plan_stack
    from ..offline.render import make_console, render_plan, render_text

    try:
        stack_file = _stack_file(stack, config, stacks_dir)
        result = plan_stack(stack_file)
    except ConfigError as exc:
        _fail_config(exc, "json" if json_output else "table")
    if json_output:
        typer.echo(result.to_json())
        return
    console = make_console()
    if console.is_terminal:
        console.print(render_plan(result))
    else:
        typer.echo(render_text(result), nl=False)


@app.command()
def check(
    stack: StackOption = None,
    config: ConfigOption = None,
    policy_config: Annotated[
        list[Path] | None,
        typer.Option(
            "--policy-config",
            help="Policy config: a directory of <pack>.json files or one <pack>.json file "
            "(repeatable). [default: policies/config/<environment>/]",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="Output: table, json or sarif.")
    ] = "table",
    stacks_dir: StacksDirOption = Path("stacks"),
    policies_dir: Annotated[
        Path, typer.Option("--policies-dir", help="Folder holding the packs and config/.")
    ] = Path("policies"),
    program_dir: Annotated[
        Path | None,
        typer.Option(
            "--program",
            help="A hand-composed Pulumi program (folder with Pulumi.yaml and __main__.py) to "
            "check instead of this repository's stack program; --stack or --config then "
            "names its stack config file.",
        ),
    ] = None,
    environment: Annotated[
        str | None,
        typer.Option(
            "--environment",
            help="With --program: the environment whose policy config applies. "
            "[default: the stack's llmops:platform environment]",
        ),
    ] = None,
) -> None:
    """Evaluate the policy packs on the stack offline. Exit 1 on a mandatory violation."""
    from ..offline.check import check_program, check_stack
    from ..offline.sarif import render_check_text, to_sarif_json

    if output_format not in ("table", "json", "sarif"):
        _fail(f"--format: must be table, json or sarif (got {output_format!r})")
    try:
        import pulumi_policy  # noqa: F401 - the checks run through its policy classes
    except ImportError:
        _fail("llmops check needs pulumi-policy: pip install 'pulumi-policy>=1.21,<2'")
    try:
        if program_dir is not None:
            stack_file = _program_stack_file(stack, config)
            result = check_program(
                program_dir, stack_file, tuple(policy_config or ()), policies_dir, environment
            )
        else:
            stack_file = _stack_file(stack, config, stacks_dir)
            result = check_stack(stack_file, tuple(policy_config or ()), policies_dir)
    except ConfigError as exc:
        _fail_config(exc, output_format)
    if output_format == "json":
        typer.echo(result.to_json())
    elif output_format == "sarif":
        typer.echo(to_sarif_json(result))
    else:
        typer.echo(render_check_text(result), nl=False)
    raise typer.Exit(result.exit_code)


@app.command("bench-job")
def bench_job(
    stack: StackOption = None,
    config: ConfigOption = None,
    stacks_dir: StacksDirOption = Path("stacks"),
) -> None:
    """Print the benchmark Job and its results claim (the stack's `benchmark:`) as YAML."""
    from ..offline.bench import benchmark_manifests
    from ..offline.plan import plan_stack

    try:
        stack_file = _stack_file(stack, config, stacks_dir)
        manifests = benchmark_manifests(plan_stack(stack_file).recording)
    except ConfigError as exc:
        _fail_config(exc, "table")
    if not manifests:
        _fail(f"{stack_file.path}: no `benchmark:` in llmops:platform (see docs/benchmark.md)")
    typer.echo(manifests, nl=False)


def _program_stack_file(stack: str | None, config: Path | None):
    from ..config.errors import Problem
    from ..offline.stack_file import read_stack_file

    given = config or (Path(stack) if stack else None)
    if given is None:
        raise ConfigError(
            [Problem("--stack", "with --program, name the program's stack config file")],
            "command line",
        )
    return read_stack_file(given)


def _stack_file(stack: str | None, config: Path | None, stacks_dir: Path):
    from ..config.errors import Problem
    from ..offline.stack_file import available_stacks, read_stack_file, stack_file_path

    if stack and config:
        raise ConfigError(
            [Problem("--stack/--config", "give one of --stack or --config")], "command line"
        )
    if config is not None:
        return read_stack_file(config)
    name = stack or DEFAULT_STACK
    path = stack_file_path(stacks_dir, name)
    if not path.is_file():
        known = ", ".join(available_stacks(stacks_dir)) or "none"
        raise ConfigError(
            [Problem("--stack", f"no {path}; stacks in {stacks_dir}: {known}", name)],
            "command line",
        )
    return read_stack_file(path, name)


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_CONFIG_ERROR)


def _fail_config(error: ConfigError, output_format: str) -> None:
    """Exit 2. The problems go to stderr; with json or sarif, stdout still gets a valid
    document (the errors as results), so a CI step that uploads it always has one."""
    from ..offline.sarif import config_error_json, config_error_sarif_json

    if output_format == "json":
        typer.echo(config_error_json(error))
    elif output_format == "sarif":
        typer.echo(config_error_sarif_json(error))
    _fail(str(error))
