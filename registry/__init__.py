"""Bamboe node: publishes a Werkplaats' learning communities as linked data."""
