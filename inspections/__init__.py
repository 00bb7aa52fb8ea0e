"""Inspection plans (random draws), inspections, findings, corrective actions;
sampling plans, samples and test results."""
