"""Threshold documents ("levels of need" PDFs) to structured, comparable data."""

__version__ = "0.1.0"
