"""The one exception the domain raises when a command breaks a rule."""


class Refused(Exception):
    """A command that breaks a rule; `code` picks the translated message, `params` fill it in."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"Refused({self.code!r}, {self.params!r})"
