"""Instructor tools: student releases, grading with nbval, portfolio README.

Modules (import from them directly):

- :mod:`coursework.grading.markers`: solution regions and check cells of a notebook.
- :mod:`coursework.grading.release`: student versions of reference notebooks.
- :mod:`coursework.grading.grade`: grade submissions (directories) with nbval, isolated; built from
  :mod:`~coursework.grading.results`, :mod:`~coursework.grading.references`,
  :mod:`~coursework.grading.isolation`, :mod:`~coursework.grading.runner` and
  :mod:`~coursework.grading.reports`.
- :mod:`coursework.grading.portfolio`: fill the portfolio README template.
"""
