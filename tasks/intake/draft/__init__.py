"""The draft Political Report (.docx): its sections parsed, stored as the scope's current version."""
