"""Public read functions of the inspections app; other apps read it only through these."""
