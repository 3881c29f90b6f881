"""DOCX reader (placeholder: registers nothing yet)."""
