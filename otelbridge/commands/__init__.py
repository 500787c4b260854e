"""One module per ``otelbridge`` subcommand (see :mod:`otelbridge.cli`)."""
