"""The core loader of torch weights (safetensors or a weights_only state dict), as the API and the
worker call it, and the torch backend of the network interface."""

import pickle

import pytest
import torch

from latentgen.models import build_model
from latentgen.networks import NetworkError, TorchNetwork, as_network, inspect_upload, load_network

ARCH = {"name": "mlp", "input_shape": [1, 8, 8], "num_classes": 10}


@pytest.fixture()
def mlp():
    torch.manual_seed(0)
    return TorchNetwork(build_model("mlp", (1, 8, 8), 10), ARCH)


def test_saved_weights_load_back_and_describe_the_model(mlp, tmp_path):
    assert mlp.save(tmp_path / "w.safetensors") == "safetensors"
    torch.save(mlp.module.state_dict(), tmp_path / "w.pt")
    for name, fmt in (("w.safetensors", "safetensors"), ("w.pt", "torch")):
        loaded = load_network(tmp_path / name, ARCH)
        assert isinstance(loaded, TorchNetwork) and not loaded.module.training
        assert all(torch.equal(v, mlp.module.state_dict()[k]) for k, v in loaded.module.state_dict().items())
        info = inspect_upload(tmp_path / name, ARCH)
        assert info["format"] == fmt and info["backend"] == "torch" and info["arch"] == ARCH
        assert info["final_layer"] == "classifier" and info["num_parameters"] == mlp.num_parameters()
        assert {"name": "fc4", "type": "Sequential", "output_shape": [2048]} in info["layers"]


def test_strict_load_names_missing_unexpected_and_misshaped_keys(mlp, tmp_path):
    from safetensors.torch import save_file

    state = {k: v.clone() for k, v in mlp.module.state_dict().items()}
    del state["fc2.0.bias"]
    state["extra.weight"] = torch.zeros(3)
    state["classifier.weight"] = state["classifier.weight"][:5].clone()
    save_file(state, str(tmp_path / "bad.safetensors"))
    with pytest.raises(NetworkError) as info:
        load_network(tmp_path / "bad.safetensors", ARCH)
    error = info.value
    assert (error.code, error.field) == ("weights_mismatch", "weights")
    assert error.extra["missing"] == ["fc2.0.bias"] and error.extra["unexpected"] == ["extra.weight"]
    assert error.extra["mismatched"] == [{"key": "classifier.weight", "expected": [10, 2048], "got": [5, 2048]}]


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickles_are_never_run_and_bad_values_are_refused(mlp, tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "evil.pt").write_bytes(pickle.dumps({"fc1.0.weight": _Payload(str(marker))}))
    with pytest.raises(NetworkError) as info:
        load_network(tmp_path / "evil.pt", ARCH)
    assert info.value.code == "invalid_weights" and not marker.exists()
    state = mlp.module.state_dict()
    state["fc1.0.weight"][0, 0] = float("nan")
    torch.save(state, tmp_path / "nan.pt")
    with pytest.raises(NetworkError, match="fc1.0.weight holds NaN"):
        load_network(tmp_path / "nan.pt", ARCH)
    with pytest.raises(NetworkError) as info:
        load_network(tmp_path / "nan.pt", {**ARCH, "name": "vgg"})
    assert (info.value.code, info.value.field) == ("invalid_arch", "arch")


def test_final_weights_are_read_and_written_on_a_copy_only(mlp):
    edited = mlp.copy()
    weight, bias = edited.final_weights()
    edited.set_final_weights(torch.ones_like(weight), torch.zeros_like(bias))
    assert torch.equal(edited.module.classifier.weight, torch.ones_like(weight))
    assert torch.equal(mlp.final_weights()[0], weight) and not torch.equal(mlp.module.classifier.weight, torch.ones_like(weight))
    assert as_network(mlp.module, (1, 8, 8)).final_layer().name == "classifier"
