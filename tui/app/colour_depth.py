"""Fixed colours for terminals of 16 or 256 colours, where the theme's blends fail.

The panels shade the theme's red and blue over the background (`$error 38%`). A terminal without
truecolor gets each blend rounded to its nearest palette entry: on 16 colours every shade of the
decision boundary became one grey and both classes' glyphs white, and the matrix signs lost
their hue. On such a terminal the app carries the class `-colours-16` or `-colours-256`, and the
panels' CSS (`css`) picks these palette entries instead: red for class 0 and for −, blue for
class 1 and for +, the course's colours, in as many steps as the palette has.

Each colour is the RGB of a palette entry as Rich knows it (16: the standard VGA palette, 256:
xterm's), so Rich's rounding lands on exactly that entry and the terminal draws its own red and
blue; tests/test_colour_depth.py checks every one.
"""

from __future__ import annotations

from collections.abc import Callable

# Rich's names for a console's colour system; "windows" is the legacy console's 16 colours
DEPTH_OF_SYSTEM = {"standard": 16, "windows": 16, "256": 256}
DEPTHS = (16, 256)
DEPTH_CLASSES = tuple(f"-colours-{depth}" for depth in DEPTHS)

# faint → strong, one step per matrix intensity; 16 colours have two tones of a hue
NEGATIVE = {
    16: ("#aa0000", "#aa0000", "#ff5555", "#ff5555"),  # red, red, bright red, bright red
    256: ("#5f0000", "#870000", "#af0000", "#d70000"),  # 52, 88, 124, 160
}
POSITIVE = {
    16: ("#0000aa", "#0000aa", "#5555ff", "#5555ff"),  # blue, blue, bright blue, bright blue
    256: ("#00005f", "#000087", "#0000af", "#0000d7"),  # 17, 18, 19, 20
}
# text on those backgrounds: bright white (15, and 231 of 256), readable on every step
ON_HUE = {16: "#ffffff", 256: "#ffffff"}
# the boundary's three certainty steps per class, faint (nearest the boundary) → strong
BOUNDARY_STEPS = (0, 1, 3)
# the data points' glyphs: unlike each other, and unlike both regions' backgrounds
POINT_0 = {16: "#ffff55", 256: "#ffafaf"}  # bright yellow; 217, a light red
POINT_1 = {16: "#ffffff", 256: "#afd7ff"}  # bright white; 153, a light blue
POINT_BOTH = {16: "#55ff55", 256: "#ffffff"}  # bright green; 231, white
# The theme's accent (the matrix cursor, its row and column labels) rounds to bright red on
# 16 colours, which there means "negative": the cursor becomes grey, its labels white.
CURSOR_16 = "background: #aaaaaa; color: #000000;"  # white (7), black
CURSOR_UNFOCUSED_16 = "background: #555555; color: #ffffff;"  # bright black (8), bright white
LABEL_AT_CURSOR_16 = "color: #ffffff; text-style: bold underline;"


def depth_class(color_system: str | None) -> str | None:
    """The app's CSS class for a console's colour system ('standard', '256', …); None where
    the theme's own colours come through (truecolor) or there is no colour."""
    depth = DEPTH_OF_SYSTEM.get(color_system or "")
    return None if depth is None else f"-colours-{depth}"


def css(rules: Callable[[int], list[tuple[str, str]]]) -> str:
    """CSS for every limited depth: `rules(depth)` gives (selector, declarations) pairs, each
    scoped under the app's class for that depth."""
    return "\n".join(
        f".-colours-{depth} {selector} {{ {declarations} }}"
        for depth in DEPTHS
        for selector, declarations in rules(depth)
    )
