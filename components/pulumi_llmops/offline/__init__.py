"""Offline runs of the stack program on Pulumi's mock engine (plan; policy check later)."""
