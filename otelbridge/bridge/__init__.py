"""No-code-change bridge: wires the shims and the SDK into a running program."""
