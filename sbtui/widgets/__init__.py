"""Reusable widgets of sbtui that are not tied to a screen (the virtual grid)."""
