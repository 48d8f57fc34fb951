"""Prefect flows of the pipeline (thin: they read like the office's process)."""

import zhaoshang  # noqa: F401 — sets the offline library defaults before any flow module imports Prefect
