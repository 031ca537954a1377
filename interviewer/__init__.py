"""Interviewer: capture semi-structured interviews offline, merge them centrally, export them."""

__version__ = "0.1.0"
