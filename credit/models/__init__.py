# Models of the credit app live here, one module per topic (see docs/adding-models.md).
