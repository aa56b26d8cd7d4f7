"""`stepnet snapshot`: the app rendered headless at some point, into a PNG or an SVG."""

from __future__ import annotations

import argparse

from engine.config import RunConfig
from tui.cli.setup_options import add_setup_options, config_from


def add_parser(commands, parser_class) -> None:
    snapshot = commands.add_parser(
        "snapshot", help="render the app at a step, an iteration or a lesson beat to a PNG or SVG"
    )
    add_setup_options(snapshot, RunConfig().iterations)
    where = snapshot.add_argument_group("where (one of them; default: the start)")
    where.add_argument("--steps", type=int, help="steps to take from the start")
    where.add_argument("--iteration", type=int, metavar="N", help="at iteration N …")
    where.add_argument(
        "--step", metavar="NAME", help="… at its step NAME (Z1 … b2; default its first)"
    )
    where.add_argument(
        "--lesson", metavar="NAME", help="in a lesson (its own setup), at --beat (default 1)"
    )
    where.add_argument("--beat", type=int, metavar="K", help="the lesson's beat K, from 1")
    shown = snapshot.add_argument_group("what is on screen")
    shown.add_argument(
        "--watch",
        action="append",
        default=[],
        metavar="EXPR",
        help="a watch expression, e.g. 'abs(dW1).max()' (repeat for more)",
    )
    shown.add_argument(
        "--cursor", metavar="ROW,COL", help="the value panel's cursor (numpy indices), e.g. 2,5"
    )
    shown.add_argument("--size", default="120x40", help="WIDTHxHEIGHT, e.g. 80x24")
    shown.add_argument(
        "--sweep",
        metavar="'SETTING V1 V2 …'",
        help="draw a decision boundary per value over the app, e.g. 'n_h 1 2 3 4 5 20 50' "
        "(n_h, alpha or seed; each trains min(--iterations, 5000) iterations)",
    )
    snapshot.add_argument("-o", "--output", required=True, metavar="FILE.png|FILE.svg")
    snapshot.add_argument(
        "--format", choices=("png", "svg"), help="default: the output file's extension"
    )
    snapshot.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    # the app's modules load only for this command, not for every `stepnet` start
    from tui.app.snapshot import parse_size, write_snapshot
    from tui.app.snapshot_place import Place

    place = Place(
        steps=args.steps,
        iteration=args.iteration,
        step=args.step,
        lesson=args.lesson,
        beat=args.beat,
        watches=tuple(args.watch),
        cursor=args.cursor,
    )
    size = parse_size(args.size)
    path = write_snapshot(config_from(args), place, size, args.output, args.sweep, args.format)
    print(f"wrote {path}")
    return 0
