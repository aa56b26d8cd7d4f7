"""A panel drawn as whole lines (Textual's Line API) and kept until its picture changes."""

from __future__ import annotations

from textual import events
from textual.strip import Strip
from textual.widget import Widget

from tui.app.panels.panel import Panel


class StripPanel(Panel, Widget):
    """Subclasses draw every line at once in `_render_strips`; this keeps them until the View,
    the size or the theme changes."""

    _strips: list[Strip] | None = None

    def _render_strips(self) -> list[Strip]:
        raise NotImplementedError

    def _redraw(self) -> None:
        """Draw the picture again, and repaint only if it changed: most steps change neither
        the boundary nor the cost curve, and a repaint would send the whole panel."""
        if not self.size.area:
            self._strips = None  # drawn when the layout gives the panel a size
            self.refresh()
            return
        strips = self._render_strips()
        if strips != self._strips:
            self._strips = strips
            self.refresh()

    def render_line(self, y: int) -> Strip:
        if self._strips is None:
            self._strips = self._render_strips()
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        self._strips = None
        self.refresh()

    def notify_style_update(self) -> None:
        # a theme change recolours every cell
        super().notify_style_update()
        self._strips = None
