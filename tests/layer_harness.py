"""One test harness for every layer of ``coursework.layers``, in the spirit of KerasHub's
``TestCase.run_layer_test`` (written for this package, nothing copied).

:func:`run_layer_test` checks, for one layer configuration:

1. config round trip: ``get_config`` → ``from_config`` → the same JSON config, and the same through
   ``keras.saving.serialize_keras_object`` / ``deserialize_keras_object`` (the registered name);
2. shapes: the symbolic output (batch ``None``) and the eager output have the expected shape;
3. ``.keras`` save/load inside a functional model, with plain ``keras.saving.load_model`` (no
   ``custom_objects``), giving the same outputs and the same layer config;
4. mask propagation through a functional model: the mask a downstream layer receives;
5. a non-default dtype policy: float outputs in the compute dtype, weights in the variable dtype, and
   every sub-layer on the same policy (sub-layers must be created with ``dtype=self.dtype_policy``).

The harness only uses ``keras.ops``, so the same checks run on every Keras backend.
"""

from __future__ import annotations

import json
import os

import keras
import numpy as np
from keras import ops

MASK_MODES = ("keep", "reverse", "drop", "make", "none")


@keras.saving.register_keras_serializable(package="coursework_tests")
class MaskProbe(keras.layers.Layer):
    """Output the Keras mask this layer receives as floats ``(batch, time)``, or ``-1`` per example.

    Put after the layer under test: the model's output then *is* the propagated mask.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return -ops.ones(ops.shape(inputs)[:1], dtype="float32")
        return ops.cast(mask, "float32")

    def compute_mask(self, inputs, mask=None):
        return None


def padded_sequences(batch=2, time=5, features=8, lengths=(3, 4), seed=0):
    """Random float sequences whose steps past each example's length are all zeros (padding)."""
    x = np.random.default_rng(seed).normal(size=(batch, time, features)).astype("float32")
    for i, length in enumerate(lengths[:batch]):
        x[i, length:] = 0.0
    return x


def _as_dict(input_data):
    return dict(input_data) if isinstance(input_data, dict) else {"inputs": input_data}


def _call(layer, inputs, call_kwargs):
    if list(inputs) == ["inputs"]:
        return layer(inputs["inputs"], **call_kwargs)
    return layer(**inputs, **call_kwargs)


def _is_float(dtype):
    return "float" in keras.backend.standardize_dtype(dtype)


def _first(output):
    return keras.tree.flatten(output)[0]


def _keras_dtype(array):
    """The Keras dtype of a NumPy input (``"string"`` for str / object arrays of text)."""
    return "string" if array.dtype.kind in "OSU" else str(array.dtype)


def check_config_round_trip(layer):
    """The layer's config survives ``from_config`` and Keras (de)serialisation unchanged."""
    config = json.dumps(layer.get_config(), sort_keys=True)
    revived = layer.__class__.from_config(layer.get_config())
    assert json.dumps(revived.get_config(), sort_keys=True) == config, "from_config changed the config"
    serialized = json.loads(json.dumps(keras.saving.serialize_keras_object(layer)))
    assert serialized["registered_name"] == keras.saving.get_registered_name(layer.__class__)
    assert serialized["registered_name"].startswith("coursework>"), (
        f"{layer.__class__.__name__} is not registered under package='coursework'"
    )
    revived = keras.saving.deserialize_keras_object(serialized)
    assert type(revived) is type(layer)
    assert json.dumps(revived.get_config(), sort_keys=True) == config, "deserialisation changed the config"


def _build_model(cls, init_kwargs, inputs, call_kwargs, masking):
    """Functional model ``Input(s) [→ Masking] → layer``; returns ``(model, layer, symbolic output)``."""
    symbolic, fed = {}, {}
    for name, value in inputs.items():
        symbolic[name] = keras.Input(shape=value.shape[1:], dtype=_keras_dtype(value), name=name)
        fed[name] = keras.layers.Masking(0.0)(symbolic[name]) if masking else symbolic[name]
    layer = cls(**init_kwargs)
    output = _call(layer, fed, call_kwargs)
    return keras.Model(symbolic, output), layer, output


def check_shapes_and_save_load(cls, init_kwargs, inputs, expected_output_shape, call_kwargs, directory, atol):
    """Symbolic and eager shapes; ``.keras`` round trip inside a model gives the same outputs."""
    model, layer, symbolic_output = _build_model(cls, init_kwargs, inputs, call_kwargs, masking=False)
    expected = expected_output_shape if isinstance(expected_output_shape, list) else [expected_output_shape]
    outputs = keras.tree.flatten(symbolic_output)
    assert len(outputs) == len(expected), f"expected {len(expected)} outputs, got {len(outputs)}"
    for out, shape in zip(outputs, expected, strict=True):
        assert tuple(out.shape) == (None, *shape[1:]), f"symbolic shape {out.shape}, expected {shape}"
    eager = [ops.convert_to_numpy(y) for y in keras.tree.flatten(model(inputs))]
    for out, shape in zip(eager, expected, strict=True):
        assert out.shape == tuple(shape), f"eager shape {out.shape}, expected {shape}"
    path = os.path.join(directory, f"{cls.__name__}.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    reloaded = [ops.convert_to_numpy(y) for y in keras.tree.flatten(loaded(inputs))]
    for before, after in zip(eager, reloaded, strict=True):
        np.testing.assert_allclose(after, before, atol=atol, err_msg="outputs differ after save/load")
    loaded_layer = loaded.get_layer(layer.name)
    assert type(loaded_layer) is cls
    assert json.dumps(loaded_layer.get_config(), sort_keys=True) == json.dumps(
        layer.get_config(), sort_keys=True
    )


def input_mask(inputs):
    """The mask ``Masking(0.0)`` derives from the first input (``embedding(mask_zero)`` for ids)."""
    first = next(iter(inputs.values()))
    if first.ndim == 2:
        return first != 0
    return np.any(first != 0, axis=-1)


def check_mask(cls, init_kwargs, inputs, call_kwargs, mode):
    """The mask a layer after the one under test receives, for the given propagation ``mode``.

    - ``keep``: the input's mask (from ``Masking``) comes out unchanged;
    - ``reverse``: it comes out reversed in time;
    - ``drop``: the output is not a sequence, so no mask comes out;
    - ``make``: the layer makes the mask itself from integer ids (0 = padding);
    - ``none``: the layer makes no mask and gets none.
    """
    if mode not in MASK_MODES:
        raise ValueError(f"mask mode must be one of {MASK_MODES}, got {mode!r}")
    masking = mode in ("keep", "reverse", "drop")
    model, _, output = _build_model(cls, init_kwargs, inputs, call_kwargs, masking=masking)
    probe = keras.Model(model.inputs, MaskProbe()(_first(output)))
    received = ops.convert_to_numpy(probe(inputs))
    if mode in ("drop", "none"):
        batch = len(next(iter(inputs.values())))
        np.testing.assert_array_equal(received, -np.ones(batch), err_msg="unexpected mask")
        return
    mask = input_mask(inputs)
    expected = mask[:, ::-1] if mode == "reverse" else mask
    assert received.shape == expected.shape, f"mask shape {received.shape}, expected {expected.shape}"
    np.testing.assert_array_equal(received, expected.astype("float32"), err_msg="mask not propagated")


def check_dtype_policy(cls, init_kwargs, inputs, call_kwargs, policy):
    """Outputs in the policy's compute dtype, weights in its variable dtype, sub-layers on the policy."""
    policy = keras.dtype_policies.get(policy)
    layer = cls(**init_kwargs, dtype=policy)
    outputs = keras.tree.flatten(_call(layer, inputs, call_kwargs))
    symbolic = {k: keras.KerasTensor(v.shape, dtype=_keras_dtype(v)) for k, v in inputs.items()}
    specs = keras.tree.flatten(_call(cls(**init_kwargs, dtype=policy), symbolic, call_kwargs))
    for tensor in outputs + specs:
        if _is_float(tensor.dtype):
            assert keras.backend.standardize_dtype(tensor.dtype) == policy.compute_dtype, (
                f"output in {tensor.dtype}, expected {policy.compute_dtype}"
            )
    for output in outputs:
        assert np.all(np.isfinite(ops.convert_to_numpy(ops.cast(output, "float32")))), "non-finite output"
    for weight in layer.weights:
        if _is_float(weight.dtype):
            assert keras.backend.standardize_dtype(weight.dtype) == policy.variable_dtype, (
                f"weight {weight.path} in {weight.dtype}, expected {policy.variable_dtype}"
            )
    for sublayer in layer._flatten_layers(include_self=False):
        assert (sublayer.compute_dtype, sublayer.variable_dtype) == (
            policy.compute_dtype,
            policy.variable_dtype,
        ), (
            f"sub-layer {sublayer.name} has policy {sublayer.dtype_policy.name}, expected {policy.name}: "
            "create sub-layers with dtype=self.dtype_policy"
        )


def run_layer_test(
    cls,
    init_kwargs,
    input_data,
    expected_output_shape,
    directory,
    *,
    call_kwargs=None,
    mask="keep",
    dtype_policy="mixed_float16",
    atol=1e-6,
):
    """Run every check of this module on ``cls(**init_kwargs)``.

    Args:
        cls: the layer class.
        init_kwargs: constructor arguments.
        input_data: a NumPy array (one positional input) or a dict of arrays (keyword inputs, e.g.
            ``{"query": q, "value": v}``). Float sequences should contain all-zero padded steps.
        expected_output_shape: the eager output shape, or a list of shapes for several outputs (in
            ``keras.tree.flatten`` order: a dict output by sorted key).
        directory: a writable directory for the ``.keras`` file.
        call_kwargs: extra call arguments (e.g. ``{"return_attention_scores": True}``).
        mask: how the layer treats masks, see :func:`check_mask`.
        dtype_policy: the non-default policy to check (``None`` skips the check).
        atol: tolerance of the save/load comparison.
    """
    call_kwargs = dict(call_kwargs or {})
    inputs = _as_dict(input_data)
    check_config_round_trip(cls(**init_kwargs))
    check_shapes_and_save_load(cls, init_kwargs, inputs, expected_output_shape, call_kwargs, directory, atol)
    check_mask(cls, init_kwargs, inputs, call_kwargs, mask)
    if dtype_policy is not None:
        check_dtype_policy(cls, init_kwargs, inputs, call_kwargs, dtype_policy)
