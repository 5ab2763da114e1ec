"""Tự Quản: community self-governance for security and order."""

__version__ = "0.1.0"
