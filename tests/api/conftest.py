"""Fixtures for the API server tests live in tests/conftest.py (shared with client tests)."""

from tests.conftest import pod

__all__ = ["pod"]
