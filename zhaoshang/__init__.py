"""zhaoshang — the investment-promotion office's reporting pipeline."""

import os

# Quiet, offline defaults for the libraries we orchestrate with (this machine has no internet;
# telemetry attempts only produce error lines in the logs). Real settings still win.
for _name, _value in (
    ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
    ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180"),
    ("GX_ANALYTICS_ENABLED", "false"),
    ("DO_NOT_TRACK", "1"),
):
    os.environ.setdefault(_name, _value)
