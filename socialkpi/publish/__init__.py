"""Publishing: the read-only copy of the marts readers open (marts), swapped in whole (swap), and
the same marts in PostgreSQL when it is configured (postgres)."""
