"""Execute notebooks headless, in place, with a progress bar: committed outputs come from here.

The profile reaches the kernel through the ``COURSEWORK_PROFILE`` environment variable, so the same
notebook runs small in the tests (``ci``) and full for the committed outputs (``full``).

Outputs are clean by construction, never by editing them afterwards. The kernel starts with
(:func:`kernel_environment`, :data:`KERNEL_ARGUMENTS`):

- TensorFlow's C++ logs quieted (``TF_CPP_MIN_LOG_LEVEL``), and whatever native code still writes to
  file descriptors 1 and 2 (TensorFlow/absl start-up lines) left on the runner's terminal instead of
  being captured into the notebook;
- Python's ``sys.stderr`` (warnings, logging, tqdm bars, tracebacks printed by libraries) also going
  to the runner's terminal: a committed notebook has no stderr output;
- ``TQDM_DISABLE=1`` and ``COURSEWORK_PROGRESS=lines``: no live bars, and ``model.fit`` with
  ``verbose=coursework.progress.fit_verbose()`` prints one line per epoch.

Each successful run records its wall time in ``results/timings.json`` beside the notebooks (profile,
seconds, date), written atomically.

Example:
    >>> from coursework.notebooks import find_notebooks, run_notebooks  # doctest: +SKIP
    >>> run_notebooks(find_notebooks(["06a"]), profile="full")          # doctest: +SKIP
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import sys
import time
from collections.abc import Iterable, Sequence

from coursework import progress as progress_settings
from coursework.atomic import write_text
from coursework.profiles import ENV_VAR, get_profile
from coursework.quiet import QUIET_ENV

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parent.parent / "notebooks"

#: Kernel options: native output stays on the runner's terminal; ``sys.stderr`` too (see
#: :func:`stdout_only_streams`).
KERNEL_ARGUMENTS = [
    "--IPKernelApp.capture_fd_output=False",
    "--IPKernelApp.outstream_class=coursework.notebooks.stdout_only_streams",
]


def kernel_environment(profile: str, base: dict | None = None) -> dict[str, str]:
    """The environment of a notebook kernel started by the runner (set before TensorFlow loads)."""
    env = dict(os.environ if base is None else base)
    env.update(QUIET_ENV)
    env.update(
        {
            ENV_VAR: get_profile(profile),
            "TQDM_DISABLE": "1",
            progress_settings.ENV_VAR: progress_settings.LINES,
        }
    )
    return env


def stdout_only_streams(session, pub_thread, name, **kwargs):
    """ipykernel ``outstream_class`` used by the runner: ``stdout`` goes to the notebook as usual,
    ``stderr`` to the kernel process's own stderr (the runner's terminal), never into the notebook."""
    if name == "stderr":
        return sys.__stderr__ if sys.__stderr__ is not None else open(os.devnull, "w")  # noqa: SIM115
    from ipykernel.iostream import OutStream

    return OutStream(session, pub_thread, name, **kwargs)


def default_timings_path(notebook: str | os.PathLike) -> pathlib.Path:
    """``results/timings.json`` in the notebook's folder."""
    return pathlib.Path(notebook).resolve().parent / "results" / "timings.json"


def read_timings(path: str | os.PathLike) -> dict:
    """The recorded timings (``{notebook: {profile: {"seconds", "date"}}}``); ``{}`` if none yet.

    Raises:
        ValueError: if the file exists but is not a JSON object.
    """
    path = pathlib.Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(path)!r} is not valid JSON ({exc}); fix or delete it.") from None
    if not isinstance(data, dict):
        raise ValueError(f"{str(path)!r} must hold a JSON object of notebook timings; fix or delete it.")
    return data


def record_timing(
    notebook: str | os.PathLike, profile: str, seconds: float, path: str | os.PathLike | None = None
) -> pathlib.Path:
    """Store one notebook's wall time, replacing its previous entry for that profile; returns the file.

    The file is written atomically (a temporary file in the same folder, then a rename), so an
    interrupted run never leaves it half written.
    """
    path = pathlib.Path(path) if path is not None else default_timings_path(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = read_timings(path)
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    entry = data.setdefault(pathlib.Path(notebook).name, {})
    entry[get_profile(profile)] = {"seconds": round(float(seconds), 1), "date": today}
    return write_text(path, json.dumps(dict(sorted(data.items())), indent=1, ensure_ascii=False) + "\n")


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


def run_notebook(
    path: str | os.PathLike, profile: str | None = None, timeout: int = 3600, progress: bool = True
) -> float:
    """Execute one notebook in place (cwd = its folder) and return the wall seconds.

    The kernel gets :func:`kernel_environment` and :data:`KERNEL_ARGUMENTS`; this process's own
    environment is left untouched.

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
    start = time.perf_counter()
    try:
        client = nbclient.NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            extra_arguments=list(KERNEL_ARGUMENTS),
            resources={"metadata": {"path": str(path.parent)}},
            on_cell_executed=lambda **_: bar.update(1),
        )
        try:
            client.execute(env=kernel_environment(profile))
        finally:
            text = nbformat.writes(nb)  # atomically: a full disk never truncates the notebook
            write_text(path, text if text.endswith("\n") else text + "\n")
    finally:
        bar.close()
    return time.perf_counter() - start


def run_notebooks(
    paths: Iterable[str | os.PathLike],
    profile: str | None = None,
    timeout: int = 3600,
    timings: str | os.PathLike | None = None,
    progress: bool = True,
) -> list[pathlib.Path]:
    """Execute several notebooks in place; returns the ones that failed (and reports each).

    Each notebook that runs through records its wall time in ``timings`` (default
    :func:`default_timings_path`: ``results/timings.json`` beside it).

    Raises:
        ValueError: before running anything, if a timings file exists but is not valid.
    """
    import nbclient

    paths = [pathlib.Path(p) for p in paths]
    profile = get_profile(profile)
    targets = {p: pathlib.Path(timings) if timings is not None else default_timings_path(p) for p in paths}
    for target in set(targets.values()):
        read_timings(target)  # fail now, not after an hour of training
    failures = []
    for path in paths:
        try:
            seconds = run_notebook(path, profile=profile, timeout=timeout, progress=progress)
        except nbclient.exceptions.CellExecutionError as exc:
            failures.append(path)
            last = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            print(f"FAILED  {path.name}: {last}", flush=True)
            continue
        record_timing(path, profile, seconds, targets[path])
        print(f"ok      {path.name}  ({seconds:.0f} s, profile {profile})", flush=True)
    return failures
