"""Imported first by every benchmark: this checkout on ``sys.path``, TensorFlow's start-up lines off stderr.

``python benchmarks/NAME.py`` puts ``benchmarks/`` on ``sys.path``, so ``import _bootstrap`` finds this
file; it must come before anything that may import TensorFlow (see :mod:`coursework.quiet`).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from coursework.quiet import quiet_tensorflow_startup  # noqa: E402

quiet_tensorflow_startup()
