"""Public complaints and reports, routing, statutory deadlines and replies."""
