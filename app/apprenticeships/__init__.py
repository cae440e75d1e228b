"""Apprenticeships: an apprentice on a standard, at an employer, with a tutor."""
