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
        assert {"name": "fc4", "type": "Sequential", "output_shape": [2048], "default": True} in info["layers"]


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


def _checkpoints(state: dict) -> dict[str, tuple[object, list[str]]]:
    """Weights as training scripts save them, and the notes the loader must give for each."""
    prefixed = lambda prefix: {prefix + k: v for k, v in state.items()}  # noqa: E731
    return {
        "plain": (state, []),
        "trainer": ({"state_dict": state, "epoch": 7, "optimizer": {"lr": 0.1}},
                    ["took the weights from the checkpoint's 'state_dict' entry (beside epoch, optimizer)"]),
        "model_entry": ({"model": state, "step": 3}, ["took the weights from the checkpoint's 'model' entry (beside step)"]),
        "data_parallel": (prefixed("module."), ["removed the prefix 'module.' from every key"]),
        "lightning": ({"state_dict": prefixed("model."), "epoch": 2, "global_step": 40,
                       "pytorch-lightning_version": "2.4.0"},
                      ["took the weights from the checkpoint's 'state_dict' entry (beside epoch, global_step, "
                       "pytorch-lightning_version)", "removed the prefix 'model.' from every key"]),
        "compiled_in_data_parallel": (prefixed("module._orig_mod."),
                                      ["removed the prefix 'module._orig_mod.' from every key"]),
    }


def test_checkpoints_as_scripts_save_them_load_with_the_plain_state_dicts_predictions(mlp, tmp_path):
    x = torch.randn(5, 1, 8, 8)
    with torch.no_grad():
        expected = mlp.module(x)
    for name, (saved, notes) in _checkpoints(mlp.module.state_dict()).items():
        torch.save(saved, tmp_path / f"{name}.pt")
        info = inspect_upload(tmp_path / f"{name}.pt", ARCH)
        assert info["unwrapped"] == notes, name
        with torch.no_grad():
            assert torch.equal(load_network(tmp_path / f"{name}.pt", ARCH).module(x), expected), name


def test_a_pickled_model_or_an_unknown_checkpoint_is_refused_with_what_to_upload(mlp, tmp_path):
    torch.save(mlp.module, tmp_path / "whole.pt")
    with pytest.raises(NetworkError) as info:
        load_network(tmp_path / "whole.pt", ARCH)
    message = info.value.message
    assert info.value.code == "invalid_weights" and "model.state_dict()" in message, message
    assert "\x1b" not in message and "weights_only=False" not in message, message
    torch.save({"weights_v2": mlp.module.state_dict(), "epoch": 1}, tmp_path / "odd.pt")
    with pytest.raises(NetworkError) as info:
        load_network(tmp_path / "odd.pt", ARCH)
    assert "its entries: epoch, weights_v2" in info.value.message, info.value.message
    # a prefix that does not bring the keys to the architecture's is left alone, and named as unexpected
    torch.save({"backbone." + k: v for k, v in mlp.module.state_dict().items()} | {"head.weight": torch.zeros(1)},
               tmp_path / "other.pt")
    with pytest.raises(NetworkError) as info:
        load_network(tmp_path / "other.pt", ARCH)
    assert info.value.code == "weights_mismatch" and "backbone.fc1.0.weight" in info.value.message


def test_a_builders_assertion_about_its_input_is_an_architecture_error(tmp_path):
    from latentgen.networks.torch_backend import plan_arch

    with pytest.raises(NetworkError) as info:  # torchvision's ViT asserts its image size
        plan_arch({"name": "torchvision:vit_b_16", "input_shape": [3, 64, 64], "num_classes": 10})
    assert (info.value.code, info.value.field) == ("invalid_arch", "arch")
    assert "Expected 224 but got 64" in info.value.message


def test_final_weights_are_read_and_written_on_a_copy_only(mlp):
    edited = mlp.copy()
    weight, bias = edited.final_weights()
    edited.set_final_weights(torch.ones_like(weight), torch.zeros_like(bias))
    assert torch.equal(edited.module.classifier.weight, torch.ones_like(weight))
    assert torch.equal(mlp.final_weights()[0], weight) and not torch.equal(mlp.module.classifier.weight, torch.ones_like(weight))
    assert as_network(mlp.module, (1, 8, 8)).final_layer().name == "classifier"
