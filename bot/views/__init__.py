"""Pure Block Kit builders: data in, dict out; no I/O."""
