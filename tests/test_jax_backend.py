"""The layers and the model builders run on JAX, not only on TensorFlow.

One subprocess with ``KERAS_BACKEND=jax`` (the backend is fixed when Keras is imported, so it cannot
change inside this process) runs the layer tests, the layers' doctests and ``tests/backend_builders.py``
(every model builder builds and trains one step); the tests below read its JUnit report.
What stays TensorFlow-only is listed in CONTRIBUTING.md, "Backends".
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYER_TESTS = [
    "tests/test_layer_harness.py",
    "tests/test_attention_layers.py",
    "tests/test_transformer_layers.py",
    "tests/test_transformer_decoder.py",
    "tests/test_seq2seq_attention.py",
    "coursework/layers",
]
BUILDER_TESTS = ["tests/backend_builders.py"]
# Layers on raw strings: string tensors are a TensorFlow feature (CONTRIBUTING.md, "Backends").
TENSORFLOW_ONLY = ["coursework/layers/bert_preprocessor.py", "coursework/layers/text_model.py"]


@pytest.fixture(scope="module")
def jax_run(tmp_path_factory):
    if importlib.util.find_spec("jax") is None:
        pytest.fail("jax is a test requirement: pip install -r requirements.txt")
    report = tmp_path_factory.mktemp("jax") / "report.xml"
    # Tiny models: XLA's optimisation passes cost more than they save (about 40 % less CPU without).
    fast_compile = "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true"
    env = {
        **os.environ,
        "KERAS_BACKEND": "jax",
        "JAX_PLATFORMS": "cpu",
        "COURSEWORK_EXPECT_BACKEND": "jax",
        "XLA_FLAGS": f"{os.environ.get('XLA_FLAGS', '')} {fast_compile}".strip(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        *LAYER_TESTS,
        *(f"--ignore={path}" for path in TENSORFLOW_ONLY),
        *BUILDER_TESTS,
        "-q",
        "--tb=short",
        "-o",
        "addopts=--doctest-modules -p no:cacheprovider",
        "-p",
        "no:nbval",
        f"--junitxml={report}",
    ]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    output = (result.stdout + result.stderr)[-6000:]
    if not report.exists():
        pytest.fail(f"the JAX run produced no report (exit {result.returncode}):\n{output}")
    cases = []
    for case in ET.parse(report).iter("testcase"):
        problems = [child for child in case if child.tag in ("failure", "error", "skipped")]
        cases.append((case.get("classname", ""), case.get("name", ""), problems))
    return cases, output


def _check(cases, output, wanted):
    selected = [c for c in cases if wanted(c[0])]
    assert selected, f"no tests ran under JAX:\n{output}"
    bad = [
        f"{cls}::{name}: {p[0].tag} {(p[0].get('message') or '')[:300]}"
        for cls, name, p in selected
        if p and not (p[0].tag == "skipped" and "TensorFlow" in (p[0].get("message") or ""))
    ]
    assert not bad, "on JAX:\n" + "\n".join(bad) + f"\n\n{output}"
    return selected


def test_layer_tests_and_doctests_pass_on_jax(jax_run):
    cases, output = jax_run
    selected = _check(cases, output, lambda cls: "backend_builders" not in cls)
    assert any(cls.startswith("coursework.layers") for cls, _, _ in selected), "layer doctests did not run"
    assert any("test_layer_harness" in cls for cls, _, _ in selected), "the layer harness did not run"


def test_every_model_builder_trains_a_step_on_jax(jax_run):
    cases, output = jax_run
    selected = _check(cases, output, lambda cls: "backend_builders" in cls)
    names = {name for _, name, _ in selected}
    assert "test_running_on_the_expected_backend" in names
    assert sum(name.startswith("test_builder_trains_one_step") for name in names) >= 10
