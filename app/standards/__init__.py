"""Apprenticeship standards: importing standard files and reading standards, KSBs and duties."""
