"""The `stepnet` command: the app by default, and a subcommand per module of this package.

Each subcommand's module has `add_parser(commands, parser_class)`, which sets the parser's
`run`; a new subcommand is one module and one entry in SUBCOMMANDS. A user's mistake ends in
one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import sys
import warnings

from engine.errors import StepnetError
from tui.cli import bench, check, debug, lessons, mistakes, serve, snapshot, trace, train

USAGE_ERROR = 2
SUBCOMMANDS = (trace, train, snapshot, lessons, mistakes, check, bench, serve)


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line like every other stepnet error."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"stepnet: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stepnet",
        description="Step through backpropagation in a one-hidden-layer network. "
        "With no command, opens the step-through debugger.",
    )
    parser.add_argument("--version", action="version", version=f"stepnet {_version()}")
    debug.add_options(parser)
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)
    for module in SUBCOMMANDS:
        module.add_parser(commands, _Parser)
    return parser


def _version() -> str:
    # pyproject.toml holds the one version number; an install records it in the metadata
    try:
        return importlib.metadata.version("stepnet")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: pip install . to record a version)"


def main(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    """`stepnet ARGV`; `parser` is build_parser()'s, made beforehand (a served session's, in
    the warm process it is forked from), or made now."""
    # stepnet detects NaN and Inf itself and names the step; numpy's overflow warnings on the
    # way there would only clutter the terminal (or the app's screen)
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"engine\.")
    args = (parser or build_parser()).parse_args(argv)
    try:
        return args.run(args)
    except StepnetError as error:
        print(f"stepnet: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("stepnet: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader (say `| head`) has gone: stop quietly, as Unix tools do
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream for good
        return 0
    except Exception:
        if not getattr(args, "served", False):
            raise
        # a student's terminal never gets a traceback, with the server's paths in it
        print("stepnet: this session could not go on; connect again to start anew", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
