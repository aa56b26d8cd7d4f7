"""Serving stepnet to a class: each student gets a private app over SSH or in a browser.

The app side (confinement.py, confined_app.py) needs nothing beyond stepnet's own dependencies;
the servers need the `serve` extra (asyncssh, textual-serve) and import it themselves.
"""
