"""Frames: checked records as tidy tables, their names, roles and formatting."""
