import numpy as np
import pytest
import torch
from torch import nn

from latentgen.corruption import corrupt_labels
from latentgen.data import load_digits
from latentgen.edit import repair_last_layer
from latentgen.extract import extract
from latentgen.metrics import predict
from latentgen.models import build_model
from latentgen.probes import LinearProbe
from latentgen.train import train


@pytest.fixture(scope="module")
def digits():
    return load_digits()


@pytest.mark.parametrize("name", ["mlp", "cnn", "resnet18"])
def test_repair_equals_linear_probe_and_touches_only_the_final_weight(digits, name):
    torch.manual_seed(0)
    model = build_model(name, digits.input_shape, 10)
    corrupted = corrupt_labels(digits.y_train, 0.4, 10, seed=0)
    labels = corrupted.labels
    # one epoch, so that the final layer's input is not the near-constant one of a fresh CNN
    # (whose classes would all tie)
    train(model, digits, corrupted, "adam_fast", max_epochs=1, target_train_acc=None, device="cpu")
    original = {k: v.clone() for k, v in model.state_dict().items()}
    edited, report = repair_last_layer(model, digits.x_train, labels, device="cpu")
    layer = report.layer
    # the original model is not modified
    assert all(torch.equal(v, original[k]) for k, v in model.state_dict().items())
    changed = {k for k, v in edited.state_dict().items() if not torch.equal(v, original[k])}
    assert changed <= {f"{layer}.weight", f"{layer}.bias"} and f"{layer}.weight" in changed
    # the edit is the linear probe fitted on the final layer's input
    H = extract(model, digits.x_train, [f"{layer}:input"], device="cpu")[f"{layer}:input"]
    probe = LinearProbe().fit(H, labels, num_classes=10)
    H_test = extract(model, digits.x_test, [f"{layer}:input"], device="cpu")[f"{layer}:input"]
    scores = probe.decision_function(H_test)
    # the repaired model's logits are the probe's scores (zero bias), whatever the training did
    with torch.no_grad():
        logits = edited.eval()(digits.x_test).numpy()
    scale = np.abs(scores).max()
    assert np.allclose(logits, scores, rtol=0, atol=1e-5 * scale)
    # so predictions differ only between classes whose scores are equal within that rounding
    top2 = np.sort(scores, axis=1)[:, -2:]
    tied = top2[:, 1] - top2[:, 0] <= 2e-5 * scale
    agree = predict(edited, digits.x_test, device="cpu") == probe.predict(H_test)
    assert agree[~tied].all()
    assert np.allclose(edited.state_dict()[f"{layer}.weight"].numpy(), probe.W, atol=1e-5)
    assert report.in_features == H.shape[1] and report.out_features == 10
    assert report.delta_norm > 0 and set(report.signs) <= {-1, 1}


def test_bias_zero_or_keep(digits):
    torch.manual_seed(0)
    model = build_model("mlp", digits.input_shape, 10)
    with torch.no_grad():
        model.classifier.bias.fill_(0.5)
    labels = digits.y_train.numpy()
    zeroed, _ = repair_last_layer(model, digits.x_train, labels, bias="zero", device="cpu")
    kept, _ = repair_last_layer(model, digits.x_train, labels, bias="keep", device="cpu")
    assert torch.all(zeroed.classifier.bias == 0)
    assert torch.all(kept.classifier.bias == 0.5)
    assert torch.equal(zeroed.classifier.weight, kept.classifier.weight)
    with pytest.raises(ValueError, match="bias must be"):
        repair_last_layer(model, digits.x_train, labels, bias="drop")


def test_model_not_ending_in_its_last_linear_is_refused():
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 3), nn.Softmax(dim=1))
    with pytest.raises(ValueError, match="not the output of its last nn.Linear"):
        repair_last_layer(model, torch.randn(10, 4), np.zeros(10, dtype=int))


def test_labels_beyond_the_output_size_are_refused():
    model = build_model("mlp", (1, 8, 8), 3)
    with pytest.raises(ValueError, match="3 outputs"):
        repair_last_layer(model, torch.randn(10, 1, 8, 8), np.full(10, 5))


def test_repair_from_summed_shard_statistics_is_the_repair(digits):
    """The final layer's statistics of any split of the training set, summed, give the same
    repair: what a repair spread over workers computes."""
    from latentgen.edit import final_layer_statistics, repair_from_statistics

    torch.manual_seed(0)
    model = build_model("mlp", digits.input_shape, 10)
    corrupted = corrupt_labels(digits.y_train, 0.4, 10, seed=0)
    train(model, digits, corrupted, "adam_fast", max_epochs=2, target_train_acc=None, device="cpu")
    whole, whole_report = repair_last_layer(model, digits.x_train, corrupted.labels, device="cpu")
    cuts = [0, 400, 401, 1000, len(digits.x_train)]
    shards = [final_layer_statistics(model, digits.x_train[a:b], corrupted.labels[a:b], device="cpu")
              for a, b in zip(cuts, cuts[1:])]
    summed, report = repair_from_statistics(model, sum(shards[1:], shards[0]))
    assert report.layer == whole_report.layer and report.signs == whole_report.signs
    assert np.array_equal(predict(summed, digits.x_test), predict(whole, digits.x_test))
