"""Moved: engine values to `vector_db.engines.<engine>`, shared names to `vector_db.common`
(kept for one release)."""

from ..._deprecated import moved_names

__getattr__ = moved_names(
    __name__,
    {
        "API_KEY_KEY": "pulumi_llmops.addons.vector_db.common",
        "API_KEY_SECRET": "pulumi_llmops.addons.vector_db.common",
        "SNAPSHOT_CREDENTIALS_SECRET": "pulumi_llmops.addons.vector_db.common",
        "CHART_MONITORS": "pulumi_llmops.addons.vector_db.engines",
        "ENDPOINTS": "pulumi_llmops.addons.vector_db.engines",
        "Endpoint": "pulumi_llmops.addons.vector_db.engines",
    },
)
