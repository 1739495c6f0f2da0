"""The web app at ``/app/``."""
