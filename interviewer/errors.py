"""Errors a user can act on: each carries a message meant to be shown as it is."""


class InterviewerError(Exception):
    """Base for errors whose message is written for the person using the app."""


class DomainError(InterviewerError):
    """An edit broke a rule of the interview record; nothing was saved."""


class ResourceFileError(InterviewerError):
    """A guide or codebook file could not be read or does not follow its format."""


class FileRefused(InterviewerError):
    """A file named for reading or writing that the app will not use (see file_safety);
    nothing was read from it or written to it."""

    def __init__(self, path, message: str, reason: str):
        self.path, self.reason = path, reason  # reason: the message's part after the path
        super().__init__(message)


class DatabaseRefused(InterviewerError):
    """A database file that the app will not open; the file is left exactly as it was."""

    def __init__(self, path, reason: str):
        self.path = path
        self.reason = reason
        from interviewer.file_safety import shown_path  # it imports this module

        super().__init__(f"{shown_path(path)}: {reason}")


class NotOurDatabase(DatabaseRefused):
    pass


class DamagedDatabase(DatabaseRefused):
    pass


class NewerDatabase(DatabaseRefused):
    pass


class ForeignSchema(DatabaseRefused):
    """The file holds schema objects (a trigger, a view, a table, an index) the app never
    makes: another program changed it, and writing could set them off."""
