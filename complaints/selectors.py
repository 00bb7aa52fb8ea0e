"""Public read functions of the complaints app; other apps read it only through these."""
