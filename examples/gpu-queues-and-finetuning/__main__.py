"""Two teams' Kueue queues on one GPU pool, a LoRA fine-tuning run, the tuned model served.

Everything comes from `llmops:platform` in Pulumi.lab.yaml: `teams` (a ClusterQueue and a
LocalQueue per team, GPU quotas per pool), `addons.kueue.priority_classes`, `finetune`
(a suspended Job in the team's queue, GPUs sized by the training memory model) and a model
whose `lora_adapters` names the run. No cloud SDK is imported.
"""

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import build_platform, export_platform, read_platform_config

try:
    platform = build_platform(read_platform_config())
except ConfigError as error:
    # RunError prints the message alone: every problem by its YAML path, no traceback.
    raise pulumi.RunError(str(error)) from None

export_platform(platform)
plan = platform.plan.queues
# GPUs each fine-tuning run asks its team's queue for, and its per-GPU memory, term by term.
pulumi.export(
    "finetune",
    {
        name: {"pool": run.placement.pool, "gpus": run.placement.gpus, **plan.needs[name].terms()}
        for name, run in sorted(plan.runs.items())
    },
)
pulumi.export(
    "team_queues", {team: f"team-{team}/{team}" for team in sorted(platform.config.teams)}
)
