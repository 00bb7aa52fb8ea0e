# Models of the traceability app live here, one module per topic (see docs/adding-models.md).
