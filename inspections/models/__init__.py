# Models of the inspections app live here, one module per topic (see docs/adding-models.md).
