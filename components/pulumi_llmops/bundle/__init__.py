"""L3: the bundle. `LlmOpsPlatform` wires one cluster, its GPU pools, the add-ons and the
models; `prepare` decides everything from the stack config before anything registers."""

from .platform import LlmOpsPlatform, LlmOpsPlatformArgs
from .prepare import PlatformPlan, PlatformWiring, prepare

__all__ = ["LlmOpsPlatform", "LlmOpsPlatformArgs", "PlatformPlan", "PlatformWiring", "prepare"]
