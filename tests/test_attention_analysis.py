"""Peakedness of attention weights and per-word weight tables: checked against hand-computed values."""

import numpy as np
import pytest

from coursework.models.attention_analysis import attention_peakedness, received_attention, word_weight_table


def test_uniform_attention_has_ratio_one_and_one_hot_ratio_zero():
    mask = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    uniform = np.where(mask, 1 / mask.sum(1, keepdims=True), 0.0)
    stats = attention_peakedness(uniform, mask)
    assert stats["entropy_ratio"] == pytest.approx(1.0)
    assert stats["uniform_entropy"] == pytest.approx((np.log(3) + np.log(4)) / 2)
    assert (
        stats["top_share"] == pytest.approx(stats["uniform_top_share"]) == pytest.approx((1 / 3 + 1 / 4) / 2)
    )
    one_hot = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    stats = attention_peakedness(one_hot, mask)
    assert stats["entropy"] == pytest.approx(0.0) and stats["top_share"] == pytest.approx(1.0)


def test_matrices_use_real_query_rows_only_and_skip_single_word_texts():
    p = np.array([0.7, 0.2, 0.1])
    expected = -(p * np.log(p)).sum() / np.log(3)
    w = np.zeros((2, 2, 4, 4))  # (batch, heads, queries, keys)
    w[0, :, :3, :3] = p  # every real query row of text 0 is p; padded query row 3 is garbage
    w[0, :, 3] = 0.25
    w[1, :, :, 0] = 1.0  # text 1 has one real word: left out (its entropy is 0 by force)
    mask = np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool)
    stats = attention_peakedness(w, mask)
    assert stats["rows"] == 2 * 3
    assert stats["entropy_ratio"] == pytest.approx(expected)
    assert stats["top_share"] == pytest.approx(0.7)
    with pytest.raises(ValueError, match="at least 2 real tokens"):
        attention_peakedness(w[1:], mask[1:])
    with pytest.raises(ValueError, match="mask"):
        attention_peakedness(w, mask[:, :3])


def test_received_attention_averages_heads_and_real_queries():
    w = np.zeros((1, 2, 3, 3))
    w[0, 0, :2] = [1.0, 0.0, 0.0]
    w[0, 1, :2] = [0.0, 1.0, 0.0]
    w[0, :, 2] = [0.0, 0.0, 1.0]  # padded query: ignored
    got = received_attention(w, np.array([[1, 1, 0]], bool))
    np.testing.assert_allclose(got, [[0.5, 0.5, 0.0]])


def test_word_table_ranks_by_weight_relative_to_uniform():
    ids = np.array([[1, 2, 0, 0], [2, 3, 1, 0], [3, 1, 0, 0]])
    w = np.array([[0.2, 0.8, 0, 0], [0.6, 0.3, 0.1, 0], [0.5, 0.5, 0, 0]])
    table = word_weight_table(ids, w, ["", "a", "b", "c"], labels=[1, 0, 1], min_count=2)
    assert list(table.index) == ["b", "c", "a"]
    # b: 0.8·2 and 0.6·3; c: 0.3·3 and 0.5·2; a: 0.2·2, 0.1·3, 0.5·2
    np.testing.assert_allclose(table["peso relativo"], [1.7, 0.95, (0.4 + 0.3 + 1.0) / 3])
    np.testing.assert_allclose(table["fresh"], [0.5, 0.5, 2 / 3])
    np.testing.assert_array_equal(table["apariciones"], [2, 2, 3])
    assert list(word_weight_table(ids, w, ["", "a", "b", "c"], min_count=3).index) == ["a"]
