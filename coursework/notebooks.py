"""Execute notebooks headless, in place, with a progress bar: committed outputs come from here.

The profile reaches the kernel through the ``COURSEWORK_PROFILE`` environment variable, so the same
notebook runs small in the tests (``ci``) and full for the committed outputs (``full``).

Example:
    >>> from coursework.notebooks import find_notebooks, run_notebooks  # doctest: +SKIP
    >>> run_notebooks(find_notebooks(["06a"]), profile="full")          # doctest: +SKIP
"""

from __future__ import annotations

import os
import pathlib
import time
from typing import Iterable, Sequence

from coursework.profiles import ENV_VAR, get_profile

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def find_notebooks(names: Sequence[str] = (), folder: str | os.PathLike | None = None) -> list[pathlib.Path]:
    """Notebook paths from file names or prefixes (``"06a"``); all notebooks of ``folder`` if none.

    Raises:
        FileNotFoundError: if the folder or a named notebook does not exist.
    """
    base = pathlib.Path(folder) if folder else NOTEBOOK_DIR
    if not base.is_dir():
        raise FileNotFoundError(f"Notebook folder {str(base)!r} not found.")
    available = sorted(base.glob("*.ipynb"))
    if not names:
        return available
    chosen: list[pathlib.Path] = []
    for name in names:
        direct = pathlib.Path(name)
        if direct.suffix == ".ipynb" and direct.is_file():
            chosen.append(direct)
            continue
        matches = [p for p in available if p.name.startswith(name)]
        if not matches:
            known = ", ".join(p.stem for p in available) or "(none)"
            raise FileNotFoundError(f"No notebook matches {name!r}. Available: {known}.")
        chosen.extend(matches)
    return list(dict.fromkeys(chosen))


def run_notebook(path: str | os.PathLike, profile: str | None = None, timeout: int = 3600,
                 progress: bool = True) -> float:
    """Execute one notebook in place (cwd = its folder) and return the wall seconds.

    Raises:
        nbclient.exceptions.CellExecutionError: when a cell fails; the notebook is still written
        with the outputs up to the failure, so the error is visible in it.
    """
    import nbclient
    import nbformat
    from tqdm.auto import tqdm

    path = pathlib.Path(path)
    profile = get_profile(profile)
    nb = nbformat.read(path, as_version=4)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    bar = tqdm(total=code_cells, desc=path.name, unit="cell", disable=not progress)
    previous = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = profile  # inherited by the kernel process
    start = time.perf_counter()
    try:
        client = nbclient.NotebookClient(
            nb, timeout=timeout, kernel_name="python3",
            # C++ start-up logs of TensorFlow go to the terminal, not into the committed outputs.
            extra_arguments=["--IPKernelApp.capture_fd_output=False"],
            resources={"metadata": {"path": str(path.parent)}},
            on_cell_executed=lambda **_: bar.update(1),
        )
        try:
            client.execute()
        finally:
            nbformat.write(nb, path)
    finally:
        bar.close()
        if previous is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous
    return time.perf_counter() - start


def run_notebooks(paths: Iterable[str | os.PathLike], profile: str | None = None,
                  timeout: int = 3600) -> list[pathlib.Path]:
    """Execute several notebooks in place; returns the ones that failed (and reports each)."""
    import nbclient

    failures = []
    for path in paths:
        path = pathlib.Path(path)
        try:
            seconds = run_notebook(path, profile=profile, timeout=timeout)
            print(f"ok      {path.name}  ({seconds:.0f} s, profile {get_profile(profile)})", flush=True)
        except nbclient.exceptions.CellExecutionError as exc:
            failures.append(path)
            last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            print(f"FAILED  {path.name}: {last}", flush=True)
    return failures
