"""Public read functions of the credit app; other apps read it only through these."""
