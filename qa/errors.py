"""Typed errors. Every message says what went wrong and how to fix it.

Front ends translate them: the CLI prints the message and exits with ``exit_code``;
the API answers with ``http_status``; the chat page shows the message.
"""

from __future__ import annotations


class QAError(Exception):
    """Base class of every error this package raises on purpose."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message}\n→ {hint}")

    def __str__(self) -> str:  # message plus the fix
        return self.message if not self.hint else f"{self.message}\n→ {self.hint}"


class ConfigError(QAError):
    """Bad settings (TOML file, QA_* variable)."""

    exit_code = 2
    http_status = 500


class InputError(QAError):
    """Bad user input: empty question, too long, control characters, unknown document."""

    exit_code = 2
    http_status = 422


class CorpusError(QAError):
    """A document could not be read or parsed."""

    exit_code = 3
    http_status = 422

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}", hint=hint)


class ModelError(QAError):
    """A model is missing, corrupt or failed to load."""

    exit_code = 4
    http_status = 503


class IndexError_(QAError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The index is missing, corrupt, or built with other settings."""

    exit_code = 5
    http_status = 503


class GenerationError(QAError):
    """The generation backend failed."""

    exit_code = 6
    http_status = 502


class BusyError(QAError):
    """The generator queue is full."""

    exit_code = 7
    http_status = 503

    def __init__(self, message: str, *, retry_after: int = 5, hint: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message, hint=hint)


class RateLimitError(QAError):
    """Too many requests from one client (widget token, feedback)."""

    exit_code = 8
    http_status = 429

    def __init__(self, message: str, *, retry_after: int = 60, hint: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message, hint=hint)
