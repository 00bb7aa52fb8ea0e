"""Trace codes, supply-chain events, nightly reconciliation, recalls and public code verification."""
