"""The one error hierarchy of hipform.

Library code raises these; only the command line turns them into a one-line message
and an exit code. Warnings that do not stop the analysis go into the report's
``not_judged`` list instead of being raised.
"""

from __future__ import annotations


class HipformError(Exception):
    """Base class of every error hipform reports to the user.

    The message must fit on one line and say what was expected and what came in.
    """

    exit_code: int = 1


class InputError(HipformError):
    """The input (video, landmark file, folder) is missing, unreadable or unusable."""

    exit_code = 2


class ModelError(HipformError):
    """A pose model bundle is missing or its digest does not match."""

    exit_code = 3


class ConfigError(HipformError):
    """A threshold file or option is invalid."""

    exit_code = 4


class OutputError(HipformError):
    """The output location cannot be written."""

    exit_code = 5


class NoPersonError(InputError):
    """Nobody was detected in the clip."""


class CameraError(InputError):
    """A live camera could not be opened or stopped delivering frames."""
