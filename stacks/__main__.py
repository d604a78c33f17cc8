"""The deployable program: `pulumi up -s <env>`. Stacks differ only in their config file.

`llmops plan` and `llmops check` run the very same `pulumi_llmops.program.main`.
"""

from pathlib import Path

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import located_in_stack_file, main

try:
    main()
except ConfigError as error:
    # RunError prints the message alone: every problem as `file:line: path: message`, no
    # traceback (the stack file is Pulumi.<stack>.yaml beside this program).
    stack_file = Path(__file__).parent / f"Pulumi.{pulumi.get_stack()}.yaml"
    raise pulumi.RunError(str(located_in_stack_file(error, stack_file))) from None
