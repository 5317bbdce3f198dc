"""TaskFlow designer."""
