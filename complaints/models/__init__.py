# Models of the complaints app live here, one module per topic (see docs/adding-models.md).
