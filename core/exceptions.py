class InvalidLink(Exception):
    """A link from an email that was tampered with, has expired, or names something gone.

    `reason` is "expired" or "invalid"; `hint` tells the reader how to get a new link."""

    def __init__(self, reason="invalid", hint=""):
        super().__init__(reason)
        self.reason = reason
        self.hint = hint
