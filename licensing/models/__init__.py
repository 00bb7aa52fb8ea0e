# Models of the licensing app live here, one module per topic (see docs/adding-models.md).
