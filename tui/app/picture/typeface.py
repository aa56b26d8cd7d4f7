"""The font a picture is drawn in: a monospace TrueType font on this machine if there is one,
else Pillow's own, and for each character the first of them that has a glyph for it."""

from __future__ import annotations

import functools
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

FONT_SIZE = 18  # pixels: a 120×40 screen comes out about 1300 pixels wide, enough for a slide
# monospace families Linux, macOS and Windows ship, best first: (regular, bold, italic) files
FAMILIES = (
    ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf"),
    ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf", "LiberationMono-Italic.ttf"),
    ("NotoSansMono-Regular.ttf", "NotoSansMono-Bold.ttf", "NotoSansMono-Regular.ttf"),
    ("UbuntuMono-R.ttf", "UbuntuMono-B.ttf", "UbuntuMono-RI.ttf"),
    ("FreeMono.ttf", "FreeMonoBold.ttf", "FreeMonoOblique.ttf"),
    ("consola.ttf", "consolab.ttf", "consolai.ttf"),
)
# a character no font has: its glyph is the font's "missing" box
MISSING = "\U0010fffd"


def font_folders() -> list[Path]:
    home = Path.home()
    folders = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
    ]
    if sys.platform == "win32":
        folders.append(Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts")
    return [folder for folder in folders if folder.is_dir()]


@functools.cache
def _files_by_name() -> dict[str, Path]:
    """Every font file under the usual folders, by file name (the first found of each name)."""
    found: dict[str, Path] = {}
    for folder in font_folders():
        for path in sorted(folder.rglob("*.ttf")):
            found.setdefault(path.name, path)
    return found


@dataclass(frozen=True)
class Face:
    """One font in three styles; `name` says which, for the README and a test's skip."""

    name: str
    regular: ImageFont.FreeTypeFont | ImageFont.ImageFont
    bold: ImageFont.FreeTypeFont | ImageFont.ImageFont
    italic: ImageFont.FreeTypeFont | ImageFont.ImageFont

    def styled(self, bold: bool, italic: bool):
        return self.bold if bold else self.italic if italic else self.regular


class Typeface:
    """The faces to draw in, first choice first, and the cell every glyph is placed in."""

    def __init__(self, faces: list[Face]):
        self.faces = faces
        first = faces[0].regular
        ascent, descent = _metrics(first)
        # a digit's advance: every glyph of a monospace font has it, and Pillow's own (proportional)
        # font then keeps numbers at their own width
        self.cell_width = max(1, math.ceil(first.getlength("0")))
        self.cell_height = ascent + descent
        self.ascent = ascent
        self._has: dict[tuple[int, str], bool] = {}

    @property
    def name(self) -> str:
        return self.faces[0].name

    def face_for(self, character: str) -> Face:
        """The first face with a glyph for `character` (the first face if none has one)."""
        for index, face in enumerate(self.faces):
            key = (index, character)
            if key not in self._has:
                self._has[key] = _has_glyph(face.regular, character)
            if self._has[key]:
                return face
        return self.faces[0]


def _metrics(font) -> tuple[int, int]:
    if isinstance(font, ImageFont.FreeTypeFont):
        return font.getmetrics()
    _, top, _, bottom = font.getbbox("Mg")  # Pillow's bitmap font has no metrics
    return bottom, max(0, -top)


def _has_glyph(font, character: str) -> bool:
    if not isinstance(font, ImageFont.FreeTypeFont):
        return character.isascii() and character.isprintable()
    mask = font.getmask(character)
    missing = font.getmask(MISSING)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


@functools.cache  # loaded once, and which glyphs each font has is learnt once
def system_typeface(size: int = FONT_SIZE) -> Typeface:
    """The monospace fonts found on this machine, then Pillow's own for what they lack; Pillow's
    own alone where there are none (a fresh CI machine)."""
    files = _files_by_name()
    faces = []
    for regular, bold, italic in FAMILIES:
        if regular in files:
            faces.append(
                Face(
                    Path(regular).stem,
                    _truetype(files[regular], size),
                    _truetype(files.get(bold, files[regular]), size),
                    _truetype(files.get(italic, files[regular]), size),
                )
            )
    return Typeface([*faces, builtin_face(size)])


def builtin_typeface(size: int = FONT_SIZE) -> Typeface:
    """Pillow's own font alone: what a machine without fonts draws in."""
    return Typeface([builtin_face(size)])


def builtin_face(size: int = FONT_SIZE) -> Face:
    font = ImageFont.load_default(size)
    return Face("Pillow's built-in font", font, font, font)


def _truetype(path: Path, size: int) -> ImageFont.FreeTypeFont:
    # the basic layout: one character at a time needs no shaping, and raqm may be missing
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
