"""The app's resource files: style.qss, icon.png and examples/*.json (example experiments).

This folder is installed as the package `playground_resources` (see pyproject.toml) so that
`importlib.resources` finds it in an editable install, a plain `pip install .` and the executable
alike. Read it through `playground.resource_files`, not by path.
"""
