"""``otelbridge demo``'s parts: running the bundled shop, migrating it, comparing runs."""
