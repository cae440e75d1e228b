"""KSB Portfolio: evidence portfolio tracker for UK apprenticeships."""

from pathlib import Path

# Templates, migrations and seed data sit beside the package in the repository.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
