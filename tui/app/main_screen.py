"""The screen the panels live on: Textual's, without the work its first showing does twice.

Before the first screen, Textual (8.2) laid the panels out six times and drew the whole
screen twice, sending it twice over the wire:
- on the screen's first resume it restyles every node, which were all styled as they mounted a
  moment before; the restyle also tells every strip panel its style changed, so the boundary,
  unit maps and cost curve were drawn again;
- the resume lays the screen out and draws it whole, then asks for a repaint of the screen,
  which draws it whole again at the next refresh;
- every widget mounted, shown a View or given its first size asked for a layout and a repaint
  of itself, and the screen acted on those requests after the resume had drawn them all;
- the app passes the screen every resize it is told of, also one of the size the screen has
  already (the size the terminal reported at the start, then the driver's own report of it),
  and each lays the whole screen out again.
Here the first resume keeps the styles and the one whole drawing, the requests that drawing
holds already are dropped, and so is a resize to the size the screen has. Any later resume (a
dialog closing, say) is Textual's own.
"""

from __future__ import annotations

from textual import _time, events, messages
from textual.screen import Screen


class MainScreen(Screen):
    _resumed = False  # whether the screen has been shown yet
    # when the first resume had laid out and drawn the whole screen, on the clock Textual
    # stamps messages with
    _drawn_at = float("-inf")

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # runs before Screen's own handler (Textual calls a subclass's first): what this
        # sets, that one reads
        if self._resumed:
            return
        self._resumed = True
        event.refresh_styles = False  # styled as they mounted; nothing has changed since
        if self.is_attached and self.outer_size != self.app.size:
            # Screen's handler will lay the screen out and draw it whole for its new size;
            # what was asked for until it is done is in that drawing (call_next: right after)
            self.call_next(self._drawn_whole)

    def _drawn_whole(self) -> None:
        self._drawn_at = _time.get_time()
        # asked for, and not yet sent to the screen: the new size of the screen and of every
        # widget asks for a layout and a repaint, and the screen's handler asks for a
        # repaint anyway
        for node in self.walk_children(with_self=True):
            node._layout_required = False
            node._repaint_required = False

    def on_update(self, message: messages.Update) -> None:
        self._drop_if_drawn(message)

    def on_layout(self, message: messages.Layout) -> None:
        self._drop_if_drawn(message)

    def _drop_if_drawn(self, message: messages.Update | messages.Layout) -> None:
        # sent to the screen before the first resume drew it all (while the panels mounted
        # and were shown their first View), and queued behind the resume
        if message.time <= self._drawn_at:
            message.stop()
            message.prevent_default()  # Screen's own handler would lay out or draw again

    def on_resize(self, event: events.Resize) -> None:
        # runs before Screen's own handler, which would lay everything out again
        if self._resumed and event.size == self.outer_size:
            event.prevent_default()
