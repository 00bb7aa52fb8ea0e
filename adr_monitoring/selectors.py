"""Public read functions of the adr_monitoring app; other apps read it only through these."""
