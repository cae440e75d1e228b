"""Evidence: items, files, claims and the storage they live in."""
