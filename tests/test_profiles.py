import pytest

from coursework.profiles import ENV_VAR, get_profile, is_ci, pick


def test_explicit_profile_wins_over_environment(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "ci")
    assert get_profile("full") == "full"
    assert get_profile() == "ci"


def test_default_is_full(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert get_profile() == "full"
    assert pick(full=30, ci=3) == 30
    assert not is_ci()


def test_pick_follows_environment(monkeypatch):
    monkeypatch.setenv(ENV_VAR, " CI ")
    assert pick(full=30, ci=3) == 3


def test_unknown_profile_names_the_choices(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "fast")
    with pytest.raises(ValueError, match="Unknown profile 'fast'.*full, ci"):
        get_profile()
