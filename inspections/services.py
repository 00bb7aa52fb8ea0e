"""State changes of the inspections app: atomic, validated, recording kernel events."""
