"""Public read functions of the licensing app; other apps read it only through these."""
