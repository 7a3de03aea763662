import numpy as np
import pytest

from coursework.datasets.addition import CHARS, AdditionTask, count_carries, make_addition_splits


def test_splits_have_no_duplicate_or_shared_pairs():
    splits = make_addition_splits(n=3000, seed=3)
    keys = {}
    for split, queries in splits.queries.items():
        for query in queries:
            a, b = map(int, query.split("+"))
            key = (min(a, b), max(a, b))  # a+b and b+a are the same pair
            assert key not in keys, f"{query} in {split} and {keys[key]}"
            keys[key] = split
    assert len(keys) == 3000
    assert [len(splits.queries[s]) for s in ("train", "validation", "test")] == [2700, 150, 150]


def test_answers_are_the_sums_and_seed_repeats():
    a = make_addition_splits(n=500, seed=7)
    b = make_addition_splits(n=500, seed=7)
    c = make_addition_splits(n=500, seed=8)
    assert a.queries == b.queries and a.queries != c.queries
    for query, answer in zip(a.queries["train"], a.answers["train"], strict=False):
        x, y = map(int, query.split("+"))
        assert int(answer) == x + y


def test_all_digit_lengths_are_common():
    splits = make_addition_splits(n=3000, seed=0)
    lengths = [len(q.split("+")[0]) for q in splits.queries["train"]]
    counts = np.bincount(lengths, minlength=4)[1:]
    assert counts.min() > 0.2 * len(lengths)  # uniform over 1..3 digits, not dominated by 3


def test_splits_share_one_distribution():
    # short sums saturate early while drawing; without a shuffle they would pile up in the first split
    splits = make_addition_splits(n=20_000, seed=0)
    share_short = {
        split: np.mean([len(q) <= 4 for q in queries]) for split, queries in splits.queries.items()
    }
    assert max(share_short.values()) - min(share_short.values()) < 0.03, share_short


def test_one_hot_encoding_pads_with_spaces():
    task = AdditionTask(3)
    x = task.encode_queries(["12+3"])
    assert x.shape == (1, 7, 12) and np.all(x.sum(-1) == 1)
    assert "".join(CHARS[i] for i in x[0].argmax(-1)) == "12+3   "
    assert task.decode(task.encode_answers(["15", 1998])) == ["15", "1998"]


@pytest.mark.parametrize(
    "query, problem",
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("12+a", "unknown character"),
        ("1.5+2", "unknown character"),
        ("12+", "missing operand"),
        ("+3", "missing operand"),
        ("123", "missing '\\+'"),
        ("1+2+3", "more than one '\\+'"),
        ("1234+1", "more than 3 digits"),
    ],
)
def test_bad_queries_name_the_problem_and_the_allowed_form(query, problem):
    with pytest.raises(ValueError, match=problem) as info:
        AdditionTask(3).parse(query)
    assert "Expected 'a+b'" in str(info.value)


def test_non_string_query_is_a_type_error():
    with pytest.raises(TypeError, match="string"):
        AdditionTask(3).parse(12)
    with pytest.raises(TypeError, match="list"):
        AdditionTask(3).encode_queries("12+3")


def test_spaces_and_leading_zeros_are_accepted():
    assert AdditionTask(3).parse(" 12 + 3 ") == (12, 3)
    assert AdditionTask(3).parse("0012+3") == (12, 3)


def test_invalid_sizes_are_rejected():
    with pytest.raises(ValueError, match="digits"):
        AdditionTask(0)
    with pytest.raises(ValueError, match="n must be between"):
        make_addition_splits(n=60, digits=1)  # only 55 distinct unordered 1-digit pairs exist


def test_count_carries():
    assert count_carries(999, 1) == 3
    assert count_carries(12, 3) == 0
    assert count_carries(15, 5) == 1
    assert count_carries(0, 0) == 0
    assert count_carries(95, 7) == 2


def test_unseen_sums_are_new_distinct_and_correct():
    from coursework.datasets.addition import unseen_sums

    splits = make_addition_splits(n=2000, digits=2, seed=4)
    queries, answers = unseen_sums(splits, 1000, seed=5)
    used = {tuple(sorted(map(int, q.split("+")))) for qs in splits.queries.values() for q in qs}
    drawn = [tuple(sorted(map(int, q.split("+")))) for q in queries]
    assert len(set(drawn)) == 1000 and not set(drawn) & used
    assert all(int(a) == sum(map(int, q.split("+"))) for q, a in zip(queries, answers, strict=True))
    with pytest.raises(ValueError, match="unseen pairs"):
        unseen_sums(splits, 10**6)
