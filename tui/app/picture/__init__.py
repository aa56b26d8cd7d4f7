"""PNG pictures of the app's screen, drawn cell by cell from the terminal grid (Pillow)."""
