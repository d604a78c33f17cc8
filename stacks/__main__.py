"""The deployable program: `pulumi up -s <env>`. Stacks differ only in their config file.

`llmops plan` and `llmops check` run the very same `pulumi_llmops.program.main`.
"""

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import main

try:
    main()
except ConfigError as error:
    # RunError prints the message alone: every problem by YAML path, no traceback.
    raise pulumi.RunError(str(error)) from None
