"""A user-facing CLI error: printed as one line, exit code 2."""


class CliError(Exception):
    pass
