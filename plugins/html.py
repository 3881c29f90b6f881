"""HTML page reader (placeholder: registers nothing yet)."""
