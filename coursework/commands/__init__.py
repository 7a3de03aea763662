"""Sub-commands of ``python -m coursework``: one module each, exposing ``register(subparsers)``."""
