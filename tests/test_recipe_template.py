"""The recipe template: one generic train() for every task, hooks per recipe, descriptions from code."""

import dataclasses

import pytest

from coursework.recipes import Recipe, TrainConfig, all_recipes, get_recipe
from coursework.recipes.template import TrainResult

HOOKS = ("settings_for", "load", "build", "fit", "evaluate", "describe")


@dataclasses.dataclass(frozen=True)
class ToySettings:
    epochs: int = 3
    step: float = 1.0


class ToyRecipe(Recipe):
    """Counts what the template hands to each hook."""

    name, metric = "toy", "score"

    def __init__(self):
        self.calls = []

    def settings_for(self, profile=None):
        return ToySettings(epochs=2 if profile == "ci" else 3)

    def load(self, settings, seed):
        import numpy as np

        self.calls.append(("load", seed))
        return {"noise": float(np.random.random())}  # reads the global generator train() seeded

    def build(self, data, settings):
        return {"weight": 0.0}

    def fit(self, model, data, settings, verbose):
        self.calls.append(("fit", settings.epochs, verbose))
        losses = []
        for _ in range(settings.epochs):
            model["weight"] += settings.step
            losses.append(1.0 / model["weight"])
        return {"loss": losses}

    def evaluate(self, model, data, settings):
        return {"score": model["weight"], "noise": data["noise"]}

    def export(self, model, data, settings):
        return ("exported", model["weight"])

    def describe(self, settings):
        return f"adds {settings.step} per epoch"


def test_train_owns_profile_epochs_override_seed_and_result():
    recipe = ToyRecipe()
    ci = recipe.train(TrainConfig(profile="ci", seed=3, verbose=0))
    assert isinstance(ci, TrainResult) and ci.task == "toy"
    assert ci.epochs == 2 and ci.metrics["score"] == 2.0 and ci.model == ("exported", 2.0)
    assert ci.history == {"loss": [1.0, 0.5]} and ci.seconds >= 0
    assert ci.extra["settings"] == ToySettings(epochs=2) and ci.extra["trained_model"] == {"weight": 2.0}
    override = recipe.train(TrainConfig(profile="ci", epochs=5, seed=3, verbose=2))
    assert override.epochs == 5 and override.extra["settings"].epochs == 5
    assert recipe.calls[-2:] == [("load", 3), ("fit", 5, 2)]
    assert override.metrics["noise"] == ci.metrics["noise"]  # same seed, same draws
    assert recipe.train(TrainConfig(seed=4, verbose=0)).metrics["noise"] != ci.metrics["noise"]


def test_run_takes_explicit_settings_and_given_data():
    result = ToyRecipe().run(ToySettings(epochs=1, step=0.5), seed=0, verbose=0, data={"noise": -1.0})
    assert result.metrics == {"score": 0.5, "noise": -1.0} and result.epochs == 1


def test_epochs_field_names_what_the_override_replaces():
    @dataclasses.dataclass(frozen=True)
    class TwoPhase:
        head_epochs: int = 4
        finetune_epochs: int = 1

    class Fake(Recipe):
        epochs_field = "finetune_epochs"

        def settings_for(self, profile=None):
            return TwoPhase()

        def run(self, settings, *, seed=42, verbose=1, data=None):
            return settings

    assert Fake().train(TrainConfig(epochs=7)) == TwoPhase(head_epochs=4, finetune_epochs=7)
    assert get_recipe("bert-sentiment").epochs_field == "finetune_epochs"


def test_every_recipe_implements_the_hooks_and_describes_itself_without_training():
    recipes = all_recipes()
    assert len(recipes) >= 14
    for recipe in recipes:
        missing = [h for h in HOOKS if getattr(type(recipe), h) is getattr(Recipe, h)]
        assert not missing, (recipe.name, missing)
        assert type(recipe).train is Recipe.train and type(recipe).run is Recipe.run, recipe.name
        for profile in ("ci", "full"):
            settings = recipe.settings_for(profile)
            assert dataclasses.is_dataclass(settings) and hasattr(settings, recipe.epochs_field)
            assert recipe.describe(settings).strip(), recipe.name
        assert recipe.metric and recipe.summary and recipe.dataset


def test_descriptions_follow_the_settings():
    addition = get_recipe("addition")
    settings = addition.settings_for("ci")
    assert addition.describe(settings).endswith("(205,324 params)")
    smaller = addition.describe(dataclasses.replace(settings, units=16))
    assert "LSTM 16" in smaller and "205,324" not in smaller
    word_lm = get_recipe("word-lm")
    assert "2,000 words" in word_lm.describe(word_lm.settings_for("ci"))
    assert "3,000 words" in word_lm.describe(word_lm.settings_for("full"))


def test_unknown_hook_is_a_clear_error():
    with pytest.raises(NotImplementedError):
        Recipe().settings_for("ci")


def test_default_verbose_is_one_line_per_epoch_under_the_notebook_runner(monkeypatch):
    from coursework.progress import ENV_VAR

    recipe = ToyRecipe()
    monkeypatch.delenv(ENV_VAR, raising=False)
    recipe.train(TrainConfig(profile="ci"))
    monkeypatch.setenv(ENV_VAR, "lines")
    recipe.train(TrainConfig(profile="ci"))
    recipe.run(ToySettings(epochs=1))
    assert [call[2] for call in recipe.calls if call[0] == "fit"] == ["auto", 2, 2]


def test_recipe_settings_for_profile_and_overrides():
    from coursework.recipes import RecipeSettings
    from coursework.recipes.addition import AdditionSettings, settings_for
    from coursework.recipes.translator import settings_for as translator_settings

    assert issubclass(AdditionSettings, RecipeSettings)
    assert settings_for("full") == AdditionSettings()
    assert settings_for("ci") == AdditionSettings(n=20_000, epochs=6, batch_size=64, target_exact_match=None)
    assert translator_settings("ci", attention=None).attention is None
    assert translator_settings("ci", attention=None).n == translator_settings("ci").n == 4_000
    with pytest.raises(TypeError):
        settings_for("ci", no_such_field=1)
