"""Review and sign-off: tutors decide on evidence and sign KSBs off; caseload and queue."""
