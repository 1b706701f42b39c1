"""The error a reader raises when a whole input cannot be used: it names the file, line and field."""

from __future__ import annotations

from zhengan.checks.result import InputError, SourceRef
from zhengan.text import Text


class ReadError(ValueError):
    """An input file the check cannot read at all (as opposed to one bad record, which is quarantined)."""

    def __init__(self, source: SourceRef, message: Text, raw: str | None = None) -> None:
        self.source = source
        self.message = message
        self.raw = raw
        super().__init__(f"{source}: {message.both()}")

    def as_input_error(self) -> InputError:
        return InputError(source=self.source, message=self.message, raw=self.raw)
