"""State changes of the traceability app: atomic, validated, recording kernel events."""
