"""Accounts: passwords, sessions, CSRF and the access policy."""
