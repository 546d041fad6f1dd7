"""Cross-fitting, the label audit, the graft and the validation helpers on a small network and
scikit-learn's digits (seconds). Real-data figures: test_audit_mnist.py."""

import numpy as np
import pytest
import torch
from safetensors.torch import load, save
from torch import nn

from latentgen.audit import audit_labels, cleaned_labels, detection_metrics, suspicion
from latentgen.corruption import corrupt_labels
from latentgen.crossfit import assign_folds, cross_fit, normalised_scores
from latentgen.data import load_digits
from latentgen.extract import ClassStatistics, class_statistics, extract
from latentgen.graft import SubspaceHead, graft
from latentgen.metrics import predict
from latentgen.models import build_from_spec, build_model
from latentgen.probes import MASCProbe, make_probe
from latentgen.memory import streams_statistics
from latentgen.report import fit_probes, fit_probes_leaving_out
from latentgen.train import Recipe, train
from latentgen.validation import NOISE_CEILING, Validation, carve_validation, memorization_warning, probe_rows, select_best

N = 600
LAYERS = ["0", "2"]  # the flattened input (d = 64: K·d > N, kept in memory) and a hidden layer (d = 48: streamed)


def small_mlp() -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 48), nn.ReLU(), nn.Linear(48, 48), nn.ReLU(), nn.Linear(48, 10))


@pytest.fixture(scope="module")
def setup():
    splits = load_digits().subset(N, 300)
    labels = corrupt_labels(splits.y_train, 0.4, 10, seed=0)
    network = small_mlp()
    train(network, splits, labels, Recipe("adam", 3e-3, batch_size=32), max_epochs=5, target_train_acc=None)
    return splits, labels, network.eval()


def test_statistics_subtract_to_those_of_the_rest(setup):
    splits, labels, network = setup
    x, y = splits.x_train, labels.labels
    total = class_statistics(network, x, y, ["2"], 10, device="cpu")["2"]
    head = class_statistics(network, x[:200], y[:200], ["2"], 10, device="cpu")["2"]
    rest = class_statistics(network, x[200:], y[200:], ["2"], 10, device="cpu")["2"]
    difference, summed = total - head, head + rest
    assert torch.equal(difference.counts, rest.counts)
    assert torch.allclose(difference.second_moments, rest.second_moments, atol=1e-3)
    assert torch.allclose(summed.sums, total.sums, atol=1e-4)
    with pytest.raises(ValueError, match="more examples"):
        head - total
    with pytest.raises(ValueError, match="cannot combine"):
        total - ClassStatistics(10, 5, device="cpu")


@pytest.mark.parametrize("probe", ["masc", "linear"])
def test_each_fold_is_scored_by_a_probe_fitted_without_it(setup, probe):
    splits, labels, network = setup
    folds = assign_folds(N, 3, seed=0)
    crossed = cross_fit(network, splits.x_train, labels.labels, LAYERS, [probe], folds, 10, device="cpu")
    activations = extract(network, splits.x_train, LAYERS, device="cpu")
    for layer in LAYERS:  # one streamed (statistics minus the fold), one in memory
        H = activations[layer]
        for f in range(3):
            inside = folds == f
            alone = make_probe(probe).fit(H[~inside], labels.labels[~inside], num_classes=10)
            expected = normalised_scores(alone, H[inside])
            got = crossed.scores[(layer, probe)][inside]
            assert np.mean(got.argmax(1) == expected.argmax(1)) >= 0.99
            assert np.abs(got - expected).max() < 0.02
    assert np.allclose(crossed.model_probabilities.sum(1), 1, atol=1e-5)


def test_folds_are_seeded_and_balanced():
    ids = assign_folds(103, 5, seed=3)
    assert np.array_equal(ids, assign_folds(103, 5, seed=3)) and not np.array_equal(ids, assign_folds(103, 5, seed=4))
    assert sorted(np.bincount(ids)) == [20, 20, 21, 21, 21]
    with pytest.raises(ValueError, match="folds"):
        assign_folds(10, 1)


def test_suspicion_and_detection_metrics_on_known_values():
    scores = np.array([[0.9, 0.1], [0.3, 0.6], [0.5, 0.5]])
    assert np.allclose(suspicion(scores, np.array([0, 0, 1])), [-0.8, 0.3, 0.0])
    m = detection_metrics(np.array([True, True, False, False]), np.array([0.9, 0.8, 0.1, 0.7]),
                          np.array([True, False, False, True]))
    assert (m["precision"], m["recall"], m["f1"], m["n_flagged"]) == (0.5, 0.5, 0.5, 2)
    assert m["auroc"] == pytest.approx(0.75)


@pytest.fixture(scope="module")
def audited(setup):
    splits, labels, network = setup
    return audit_labels(network, splits, labels, layers=LAYERS, folds=3, validation=0.2, device="cpu")


def test_audit_flags_exactly_where_the_suggestion_differs_and_chooses_on_validation(audited, setup):
    result = audited
    assert np.array_equal(result.flagged, result.suggested != result.given)
    assert np.array_equal(result.flagged, result.score > 0)
    summary = result.summary
    val_acc = {(r["layer"], r["probe"]): r["value"] for r in result.candidates if r["metric"] == "val_acc"}
    assert len(val_acc) == 4 and summary["val_acc"] == max(val_acc.values())
    assert val_acc[(summary["layer"], summary["probe"])] == summary["val_acc"]
    assert summary["n_flagged"] == result.flagged.sum() and summary["validation"]["n_val"] == 120
    assert set(summary["detection"]) == {"true_noise_rate", "audit", "model"}
    rows = result.rows()
    assert len(rows) == N and set(rows[0]) == {"index", "given", "suggested", "score", "flagged", "true_label"}
    # the estimated noise counts each (suggested, given) pair: its off-diagonal holds exactly the flags
    counts = np.asarray(summary["estimated_noise"]["counts"])
    for s, g in ((1, 7), (3, 8), (0, 0)):
        assert counts[s, g] == np.sum((result.suggested == s) & (result.given == g))
    assert counts.sum() - np.trace(counts) == summary["n_flagged"]
    assert summary["estimated_noise"]["rate"] == summary["estimated_noise_rate"]
    # uniform noise spreads a class's changes over the other labels: every probe competed
    structure = summary["noise_structure"]
    assert structure["concentration"] < structure["threshold"] and not structure["structured"], structure


def test_cleaned_labels_relabel_or_filter(audited):
    relabelled = cleaned_labels(audited, "relabel")
    assert np.array_equal(relabelled.indices, np.arange(N)) and np.array_equal(relabelled.labels, audited.suggested)
    kept = cleaned_labels(audited, "filter")
    assert np.array_equal(kept.indices, np.flatnonzero(~audited.flagged))
    assert np.array_equal(kept.labels, audited.given[~audited.flagged])
    with pytest.raises(ValueError, match="mode"):
        cleaned_labels(audited, "drop")


def test_audit_averages_chosen_layers_and_needs_no_truth(setup):
    splits, labels, network = setup
    result = audit_labels(network, splits, labels.labels, layer=LAYERS, probe="masc", folds=3, device="cpu")
    assert (result.summary["layer"], result.summary["probe"]) == ("0+2", "masc")
    assert result.summary["detection"] is None and result.true_labels is None


def test_subspace_head_scores_as_the_masc_probe():
    rng = np.random.default_rng(0)
    H = np.maximum(rng.normal(size=(300, 20)), 0).astype(np.float32)
    y = rng.integers(0, 3, size=300)
    probe = MASCProbe(variance=0.9).fit(H, y)
    head = SubspaceHead.from_probe(probe)
    with torch.no_grad():
        scores = head(torch.from_numpy(H)).numpy()
    assert np.allclose(scores, probe.decision_function(H), atol=1e-4)
    assert list(head.state_dict()) == ["basis"]


@pytest.fixture(scope="module")
def grafted(setup):
    splits, labels, network = setup
    return graft(network, splits, labels, layer="auto", head="auto", layers=["2", "4"], validation=0.2, device="cpu")


def test_graft_is_the_trunk_and_the_chosen_head_and_leaves_the_network_alone(setup, grafted):
    splits, labels, network = setup
    before = {k: v.clone() for k, v in network.state_dict().items()}
    new, report = grafted
    assert report.layer in ("2", "4") and report.head in ("masc", "linear")
    assert [name for name, _ in new.trunk.named_children()] == [str(i) for i in range(int(report.layer) + 1)]
    chosen = {(r["layer"], r["probe"]): r["value"] for r in report.candidates if r["metric"] == "val_acc"}
    assert report.val_acc == max(chosen.values())
    assert report.test_acc == pytest.approx(np.mean(predict(new, splits.x_test) == splits.y_test.numpy()), abs=1e-2)
    assert report.last_layer_repair["layer"] == "4" and report.oracle is not None
    for key, value in network.state_dict().items():
        assert torch.equal(value, before[key])
    assert new.probe_layers == [f"trunk.{i}" for i in range(int(report.layer) + 1)]  # those the trunk kept


@pytest.mark.parametrize("head", ["masc", "linear"])
def test_graft_of_a_paper_model_rebuilds_from_its_spec(setup, head):
    splits, labels, _ = setup
    arch = {"name": "mlp", "input_shape": list(splits.input_shape), "num_classes": 10}
    network = build_from_spec(arch)
    new, report = graft(network, splits.x_train, labels.labels, layer="fc2", head=head, device="cpu")
    assert report.test_acc is None and report.oracle is None
    assert new.probe_layers == ["trunk.fc1", "trunk.fc2"]
    rebuilt = build_from_spec({**arch, **report.spec})
    rebuilt.load_state_dict(load(save({k: v.contiguous() for k, v in new.state_dict().items()})), strict=True)
    assert np.array_equal(predict(rebuilt, splits.x_test), predict(new, splits.x_test))


def test_specs_are_checked_and_name_the_field():
    base = {"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}
    with pytest.raises(ValueError, match="unknown keys \\['depth'\\]"):
        build_from_spec({**base, "depth": 3})
    with pytest.raises(ValueError, match="components"):
        build_from_spec({**base, "cut": "fc2", "head": "masc", "components": [3] * 9})
    with pytest.raises(ValueError, match="cut: unknown layer"):
        build_from_spec({**base, "cut": "fc9", "head": "linear"})
    with pytest.raises(ValueError, match="head"):
        build_model("mlp", (1, 8, 8), 10, cut="fc2", head="cubic")
    with pytest.raises(ValueError, match="cannot cut inside"):
        build_model("resnet18", (3, 32, 32), 10, cut="layer1.0.conv1", head="linear")
    # planned on the meta device (the upload validator's first step), a MASC head included
    from latentgen.networks.torch_backend import plan_arch

    planned = plan_arch({**base, "cut": "fc2", "head": "masc", "components": [3] * 10})
    assert planned["head.basis"].shape == (30, 512) and planned["head.basis"].is_meta
    grafted_resnet = build_model("resnet18", (3, 32, 32), 10, cut="layer2", head="linear")
    assert grafted_resnet.head.in_features == 128 * 8 * 8 and grafted_resnet.probe_layers == ["trunk.layer1", "trunk.layer2"]


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b, self.out = nn.Linear(64, 8), nn.Linear(64, 8), nn.Linear(8, 10)

    def forward(self, x):
        x = x.flatten(1)
        return self.out(self.a(x) + self.b(x))


def test_graft_refuses_a_network_that_is_not_a_chain(setup):
    splits, labels, _ = setup
    with pytest.raises(ValueError, match="not a chain"):
        graft(Residual(), splits.x_train, labels.labels, layer="b", head="linear", device="cpu")


def test_the_fits_with_and_without_the_split_from_the_same_passes_are_the_separate_fits(setup):
    splits, labels, network = setup
    val, probes, layers = Validation.carve(N, 0.25, seed=1), ["masc", "linear"], ["0", "5"]
    # the input layer's activations are kept, the logits' class statistics streamed
    assert not streams_statistics(64, 10, N, probes) and streams_statistics(10, 10, N, probes)
    fitted, on_held = fit_probes_leaving_out(network, splits.x_train, labels.labels, val.mask, layers, probes,
                                             num_classes=10, device="cpu", memory_budget=1)  # a pass per layer
    every = fit_probes(network, splits.x_train, labels.labels, layers, probes, num_classes=10, device="cpu")
    keep = val.fit_indices
    rest = fit_probes(network, splits.x_train[keep], labels.labels[keep], layers, probes, num_classes=10, device="cpu")
    H = extract(network, splits.x_test, layers, device="cpu")
    H_held = extract(network, splits.x_train[val.indices], layers, device="cpu")
    assert set(fitted) == set(every) == {(layer, p) for layer in layers for p in probes}
    assert set(on_held) == set(every) | {("model", "model")}
    for (layer, p), probe in every.items():
        assert np.array_equal(fitted[(layer, p)].predict(H[layer]), probe.predict(H[layer]))
        assert np.array_equal(on_held[(layer, p)], rest[(layer, p)].predict(H_held[layer]))
        if p == "masc":
            assert fitted[(layer, p)].k_.tolist() == probe.k_.tolist()
    assert np.array_equal(on_held[("model", "model")], predict(network, splits.x_train[val.indices], device="cpu"))


def test_validation_is_one_seeded_split_and_selection_reports_the_oracle(setup):
    splits, labels, network = setup
    val = Validation.carve(N, 0.25, seed=1)
    assert np.array_equal(val.indices, carve_validation(splits, labels, 0.25, seed=1).val_indices)
    assert np.array_equal(np.sort(np.concatenate([val.indices, val.fit_indices])), np.arange(N))
    rows = [{"layer": l, "probe": "masc", "metric": m, "value": v}
            for l, m, v in [("a", "val_acc", 0.5), ("b", "val_acc", 0.7), ("c", "val_acc", 0.7),
                            ("a", "test_acc", 0.9), ("b", "test_acc", 0.6), ("c", "test_acc", 0.8)]]
    picked = select_best(rows)
    assert picked["chosen"] == {"layer": "b", "probe": "masc", "val_acc": 0.7, "test_acc": 0.6}  # first on ties
    assert picked["oracle"]["layer"] == "a"
    assert memorization_warning(0.96, 0.99) and memorization_warning(0.45, 0.99) is None
    vrows = [r for r in probe_rows(network, splits, labels, val, layers=["2"], probes=["masc"], device="cpu")
             if r["metric"] in ("val_acc", NOISE_CEILING)]
    assert {(r["layer"], r["probe"]) for r in vrows} == {("model", "model"), ("2", "masc")}
    accuracies = [r for r in vrows if r["metric"] == "val_acc"]
    assert len(accuracies) == 2 and all(0 <= r["value"] <= 1 for r in accuracies)
    # one reader: no pair to estimate the noise ceiling from
    assert [r["value"] for r in vrows if r["metric"] == NOISE_CEILING] == [None]
