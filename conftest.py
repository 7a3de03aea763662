"""Test-suite set-up shared by unit tests and notebooks: the small ``ci`` profile, headless plots."""

import os

# Set before any notebook kernel starts (kernels inherit the environment) and before Keras loads.
os.environ.setdefault("COURSEWORK_PROFILE", "ci")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
