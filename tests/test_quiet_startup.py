"""TensorFlow's start-up lines never reach stderr from the command line or the benchmarks."""

import os
import re
import subprocess
import sys

from coursework.quiet import filtered_stderr_fd, is_startup_line

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TENSORFLOW_NOISE = re.compile(
    r"absl|oneDNN|cuda|cuInit|tensorflow|^[IWEF]\d{4} ", re.IGNORECASE | re.MULTILINE
)

STARTUP = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1795971793.810192    9287 port.cc:153] oneDNN custom operations are on.",
    "I0000 00:00:1795971793.810612    9287 cudart_stub.cc:31] Could not find cuda drivers on your machine.",
    "W1114 09:32:22.280168   13509 cpu_feature_guard.cc:227] This TensorFlow binary is optimized",
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with flags.",
]
KEPT = [
    "E0000 00:00:1795971806.905725    9287 cuda_platform.cc:52] failed call to cuInit",
    "/x/recipes/attention_sentiment.py:103: UserWarning: 4 of 8813 training texts are longer",
    "error: Model file 'missing.keras' not found.",
    "Traceback (most recent call last):",
]


def run(*args, timeout=300):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}  # as a user's shell
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [ROOT, env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env
    )


def test_startup_lines_are_recognised_and_everything_else_is_kept():
    assert all(is_startup_line(line) for line in STARTUP)
    assert not any(is_startup_line(line) for line in KEPT)


def test_filtered_descriptor_drops_startup_lines_and_writes_back_the_rest(capfd):
    with filtered_stderr_fd():
        os.write(2, ("\n".join(STARTUP + KEPT) + "\n").encode())
    assert capfd.readouterr().err.splitlines() == KEPT


def test_cli_without_tensorflow_keeps_stderr_empty():
    result = run("-m", "coursework", "tasks")
    assert result.returncode == 0 and "addition" in result.stdout
    assert result.stderr == ""


def test_cli_command_that_loads_tensorflow_prints_only_its_own_error():
    # `python -m coursework chat --bot intent --once ""`: the intent bot trains its Keras network (so
    # TensorFlow is loaded), then the empty message is refused; afterwards the script reports whether
    # TensorFlow was loaded. (Commands that take a model file now refuse a bad path before Keras loads.)
    code = (
        "import runpy, sys\n"
        "sys.argv = ['coursework', 'chat', '--bot', 'intent', '--once', '']\n"
        "try:\n    runpy.run_module('coursework', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exit:\n    print('tensorflow' in sys.modules, exit.code)\n"
    )
    result = run("-c", code)
    assert result.stdout.split()[-2:] == ["True", "1"], result.stderr
    assert result.stderr.splitlines() == ["error: Mensaje vacío: escribí algo para que el bot te responda."]


def test_benchmark_bootstrap_silences_tensorflow_startup():
    code = (
        "import sys; sys.path.insert(0, 'benchmarks'); import _bootstrap; import tensorflow as tf; "
        "print(int(tf.constant(2) + 1))"
    )
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"
    assert not TENSORFLOW_NOISE.search(result.stderr), result.stderr
