"""State changes of the licensing app: atomic, validated, recording kernel events."""
