"""Command-line interface (`llmops`)."""
