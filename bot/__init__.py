"""agilebot: the agile marketing cadence, run inside Slack."""

__version__ = "0.1.0"
