"""Web plumbing shared by every domain: templating, security headers, error pages."""
