"""Kechuang: a city Science & Technology Bureau's work-plan platform."""

__version__ = "0.1.0"
