# Models of the adr_monitoring app live here, one module per topic (see docs/adding-models.md).
