"""Public read functions of the traceability app; other apps read it only through these."""
