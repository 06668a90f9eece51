"""User accounts, roles, sessions and API tokens (the application store side of the web)."""
