"""State changes of the credit app: atomic, validated, recording kernel events."""
