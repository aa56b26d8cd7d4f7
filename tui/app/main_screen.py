"""The screen the panels live on: Textual's, without the work its first showing does twice.

Before the first screen, Textual (8.2) laid the panels out three times and drew the whole
screen twice, sending it twice over the wire:
- on the screen's first resume it restyles every node, which were all styled as they mounted a
  moment before; the restyle also tells every strip panel its style changed, so the boundary,
  unit maps and cost curve were drawn again;
- the resume lays the screen out and draws it whole, then asks for a repaint of the screen,
  which draws it whole again at the next refresh;
- the app passes the screen every resize it is told of, also one of the size the screen has
  already (the size the terminal reported at the start, then the driver's own report of it),
  and each lays the whole screen out again.
Here the first resume keeps the styles and the one whole drawing, and a resize to the size the
screen has already is dropped. Any later resume (a dialog closing, say) is Textual's own.
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class MainScreen(Screen):
    _resumed = False  # whether the screen has been shown yet

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler (Textual calls a subclass's first): what this
        # sets, that one reads
        if self._resumed:
            return
        self._resumed = True
        event.refresh_styles = False  # styled as they mounted; nothing has changed since
        if self.is_attached and self.outer_size != self.app.size:
            # Screen's handler will lay the screen out and draw it whole for its new size;
            # meanwhile the screen's new size asks for a layout and a repaint of the screen,
            # and the handler asks for a repaint anyway. Both are called off as soon as the
            # handler is done (call_next), before the next refresh would act on them: what
            # a panel changes later asks for its own layout or repaint.
            self.call_next(self._drawn_whole)

    def _drawn_whole(self) -> None:
        self._layout_required = False
        self._repaint_required = False

    def on_resize(self, event: events.Resize) -> None:
        # runs before Screen's own handler, which would lay everything out again
        if self._resumed and event.size == self.outer_size:
            event.prevent_default()
