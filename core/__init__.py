"""TaskFlow engine."""
