"""State changes of the adr_monitoring app: atomic, validated, recording kernel events."""
