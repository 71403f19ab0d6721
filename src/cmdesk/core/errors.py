"""Errors a user can meet, each with the CLI exit code it maps to.

Messages are already translated when raised: they are shown as they are by the
CLI and by the GUI's dialogs.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USAGE = 2
    LOCKED = 3
    INVALID_DATA = 4
    NETWORK = 5
    SECRETS = 6  # no safe keyring to store passwords in


class CmdeskError(Exception):
    exit_code: ExitCode = ExitCode.INVALID_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CmdeskError):
    exit_code = ExitCode.USAGE


class InvalidData(CmdeskError):
    exit_code = ExitCode.INVALID_DATA


class NotFound(InvalidData):
    """A client, file or backup that does not exist."""


class NetworkError(CmdeskError):
    exit_code = ExitCode.NETWORK
