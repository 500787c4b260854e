"""Development tools built on the SDK, never imported by it: an OTLP receiver
(:mod:`.receiver`), what ``otelbridge collect`` and ``otelbridge demo`` do with what it receives
(:mod:`.collector`) and the span-tree printer (:mod:`.span_tree`)."""
