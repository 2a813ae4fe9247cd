"""Exceptions that carry a one-line, user-facing message.

The CLI turns these into ``error: ...`` on stderr and an exit code; library code raises
them instead of printing so every stage stays testable.
"""

from __future__ import annotations


class NkError(Exception):
    """Base class: ``str(err)`` is the one-line message shown to the user."""

    exit_code = 2


class RulesError(NkError):
    """A rules file is malformed: the message names the file and line."""


class UsageError(NkError):
    """Bad command-line input (missing path, unknown model, unreadable claims file)."""
