"""Checking: rules across records and observations, and the JSON Schemas for editors."""
