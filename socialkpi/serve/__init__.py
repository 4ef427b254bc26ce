"""Serving the published marts: hardened read-only connections (access) and the report."""
