"""Dock widgets of the designer."""
