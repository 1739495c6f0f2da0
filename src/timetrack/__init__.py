"""TimeTrack: a self-hostable time-tracking server."""

__version__ = "0.1.0"
