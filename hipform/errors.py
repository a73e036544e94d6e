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


_ADVICE = {
    "ENOSPC": "free some space or choose another output folder",
    "EDQUOT": "free some space (disk quota exceeded) or choose another output folder",
    "EISDIR": "a folder is in the way: give a file name, or remove the folder",
    "ENOTDIR": "part of the path is a file, not a folder: choose another output path",
    "ENAMETOOLONG": "the name is too long for the file system: choose a shorter output path",
    "EACCES": "no permission to write there: choose another output folder",
    "EPERM": "no permission to write there: choose another output folder",
    "EROFS": "the file system is read-only: choose another output folder",
    "EEXIST": "something is in the way: remove it or choose another output path",
    "ENOENT": "the folder does not exist: create it or choose another output path",
}


def os_error_message(e: OSError, path: object = None) -> str:
    """One line for an operating-system error: the path, what went wrong, and what to do.

    Parameters
    ----------
    e : OSError
    path : path-like, optional
        The path concerned, when the error does not name it.
    """
    import errno

    name = errno.errorcode.get(e.errno or 0, "")
    where = e.filename if e.filename is not None else path
    what = e.strerror or str(e) or e.__class__.__name__
    advice = _ADVICE.get(name)
    text = f"cannot write {where}: {what}" if where is not None else f"cannot write: {what}"
    return f"{text} ({advice})" if advice else text


def output_error(e: OSError, path: object = None) -> OutputError:
    """An :class:`OutputError` made from an ``OSError`` (see :func:`os_error_message`)."""
    return OutputError(os_error_message(e, path))
