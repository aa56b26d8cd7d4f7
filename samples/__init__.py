"""The shipped lessons: installed as the package tui.lessons.shipped (see pyproject.toml), so
importlib.resources finds them in a wheel as well as in this clone."""
