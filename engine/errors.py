"""The one exception type that carries a user's mistake to the surface.

Every message names the problem and what would fix it, on one line, so the command line can print
it as is and exit with status 2 instead of showing a traceback.
"""


class StepnetError(ValueError):
    """A problem with the user's input: bad data, a bad option or a bad parameters file."""
