"""A panel drawn as whole lines (Textual's Line API) and kept until its picture changes."""

from __future__ import annotations

from textual import events
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

from tui.app.panels.panel import Panel


class StripPanel(Panel, Widget):
    """Subclasses draw every line at once in `_render_strips`; this keeps them until the View,
    the size or the theme changes."""

    _strips: list[Strip] | None = None
    _drawn_size: Size | None = None  # the size the strips were drawn for

    def _draw(self) -> list[Strip]:
        self._drawn_size = self.size
        return self._render_strips()

    def _render_strips(self) -> list[Strip]:
        raise NotImplementedError

    def _redraw(self) -> None:
        """Draw the picture again, and repaint only if it changed: most steps change neither
        the boundary nor the cost curve, and a repaint would send the whole panel."""
        if not self.size.area:
            self._strips = None  # drawn when the layout gives the panel a size
            self.refresh()
            return
        strips = self._draw()
        if strips != self._strips:
            self._strips = strips
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # a picture may set the panel's titles as it is drawn (the unit maps' legend, which
        # needs the maps' scale): drawn first, before Textual reads the titles for the border
        if self._strips is None:
            self._strips = self._draw()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._draw()
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        if self._strips is not None and self._drawn_size == self.size:
            return  # drawn for this size already: by the first screen, as the layout gave it
        self._strips = None
        self.refresh()

    def notify_style_update(self) -> None:
        # a theme change recolours every cell
        super().notify_style_update()
        self._strips = None
