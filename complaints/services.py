"""State changes of the complaints app: atomic, validated, recording kernel events."""
