"""Errors a user can act on: each carries a message meant to be shown as it is."""


class InterviewerError(Exception):
    """Base for errors whose message is written for the person using the app."""


class DomainError(InterviewerError):
    """An edit broke a rule of the interview record; nothing was saved."""


class ResourceFileError(InterviewerError):
    """A guide or codebook file could not be read or does not follow its format."""


class DatabaseRefused(InterviewerError):
    """A database file that the app will not open; the file is left exactly as it was."""

    def __init__(self, path, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotOurDatabase(DatabaseRefused):
    pass


class DamagedDatabase(DatabaseRefused):
    pass


class NewerDatabase(DatabaseRefused):
    pass
