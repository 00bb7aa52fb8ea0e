"""Credit records, the serious-violation list, credit-risk classes and nightly risk scoring."""
