"""The one error root. Anything staff or a citizen may cause is a `LoaError` carrying a Vietnamese
message and the exit code the CLI should use; the CLI's `main()` and the web console's error handler
are the only places that turn it into text. Domain errors subclass it with a one-line docstring."""

from __future__ import annotations


class LoaError(Exception):
    """An expected failure with a Vietnamese message for people (`message`) and a CLI exit code."""

    exit_code: int = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
