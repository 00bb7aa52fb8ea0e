"""Adverse reaction and event reports, causality, statutory deadlines and signal detection."""
