"""The reply-style model passes the contract every NLU component passes, and its figures on
our labelled JDDC agent replies are measured from the data, not asserted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kefu.nlu.component import Component
from kefu.quality import train
from kefu.quality.styles import ReplyStyleClassifier, load_default, read_seed

# The shared contract, run against this component by giving it the `trained` fixture.
from tests.nlu.test_contract import (  # noqa: F401
    test_a_trained_component_has_a_manifest,
    test_awkward_input_is_answered_quickly,
    test_loading_another_kind_is_refused,
    test_save_then_load_gives_identical_predictions,
)


@pytest.fixture(scope="module")
def trained() -> Component[Any, Any]:
    return ReplyStyleClassifier().train(read_seed())


def test_training_twice_gives_the_same_model() -> None:
    first, second = (
        ReplyStyleClassifier().train(read_seed()),
        ReplyStyleClassifier().train(read_seed()),
    )
    assert first.manifest == second.manifest
    assert first.predict("非常抱歉让您久等了") == second.predict("非常抱歉让您久等了")


def test_the_shipped_model_reads_the_traits_in_both_languages() -> None:
    model = load_default()
    assert model.predict("非常抱歉让您久等了，我理解您着急的心情").has("empathy")
    assert model.predict("按规定无法退款").has("stiff_policy")
    assert not model.predict("订单号多少").has("empathy")


needs_data = pytest.mark.skipif(not train.PAIRS.is_file(), reason="JDDC data set not present")


@needs_data
def test_the_labelled_replies_rebuild_the_shipped_model(tmp_path: Path) -> None:
    model, figures = train.build()
    assert model.manifest == load_default().manifest
    labelled = figures["labelled"]
    assert isinstance(labelled, dict) and labelled["train"] + labelled["dev"] >= 300


@needs_data
def test_dev_figures_are_measured_on_replies_never_trained_on() -> None:
    splits = train.labelled_replies()
    train_texts = {r.text for r in splits["train"]}
    assert not any(r.text in train_texts for r in splits["dev"])
    report = train.evaluate(load_default(), splits["dev"])
    empathy = report["empathy"]
    assert isinstance(empathy, dict) and empathy["positives"] > 0
    assert empathy["precision"] > 0.5  # far above the 17 % a guess would reach
