"""Wagtail's user and group admin, showing role groups under their translated labels."""
