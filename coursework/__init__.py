"""coursework: Keras 3 layers, model builders, data and notebooks for a Spanish-language NLP course.

Importing the package is cheap: TensorFlow/Keras load only when a submodule that needs them is used.

Example:
    >>> import coursework
    >>> coursework.__version__
    '0.1.0'
"""

import os as _os

# Quiet TensorFlow's C++ start-up logs and default Keras to the TensorFlow backend; both are only
# defaults, so a user's own environment variables win.
_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")

__version__ = "0.1.0"
