import gzip

import numpy as np
import pytest
import torch

from latentgen.data import DataError, load_digits, load_npz, load_source
from latentgen.inputs import AS_IS, PAPER_PREPROCESSING, Preprocessing, default_preprocessing


def write_idx(path, array, compress=False):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(str(path) + ".gz", "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)


def fake_mnist(folder, compress=False, n_train=12, n_test=5):
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test),
    }
    for name, array in arrays.items():
        write_idx(folder / name, array, compress)
    return arrays


def test_npz_is_normalised_to_nchw_with_mean_half_std_half(tmp_path):
    x_train = np.array([[[0, 255], [51, 102]]] * 3, dtype=np.uint8)
    path = tmp_path / "d.npz"
    np.savez(path, x_train=x_train, y_train=np.array([0, 1, 2]), x_test=x_train[:2], y_test=np.array([1, 1]))
    splits = load_npz(path)
    assert splits.x_train.shape == (3, 1, 2, 2) and splits.x_train.dtype == torch.float32
    assert torch.allclose(splits.x_train[0, 0], torch.tensor([[-1.0, 1.0], [-0.6, -0.2]]))
    assert splits.y_train.dtype == torch.int64
    assert splits.num_classes == 3 and splits.input_shape == (1, 2, 2)


def test_npz_validation_arrays_are_loaded_beside_the_splits_and_kept_by_subset(tmp_path):
    x = np.arange(5 * 4, dtype=np.uint8).reshape(5, 4)
    path = tmp_path / "v.npz"
    np.savez(path, x_train=x, y_train=np.arange(5) % 2, x_test=x[:2], y_test=np.array([0, 1]),
             x_val=x[:3] * 2, y_val=np.array([1, 0, 1]))
    splits = load_npz(path)
    assert splits.x_val.shape == (3, 4) and splits.y_val.tolist() == [1, 0, 1]
    assert torch.allclose(splits.x_val, (torch.from_numpy(x[:3] * 2).float() / 255 - 0.5) / 0.5)
    assert splits.subset(2, 1).x_val is splits.x_val
    np.savez(path, x_train=x, y_train=np.arange(5) % 2, x_test=x[:2], y_test=np.array([0, 1]), x_val=x[:3])
    with pytest.raises(DataError, match="x_val and y_val go together"):
        load_npz(path)
    np.savez(path, x_train=x, y_train=np.arange(5) % 2, x_test=x[:2], y_test=np.array([0, 1]),
             x_val=np.zeros((3, 5), np.uint8), y_val=np.zeros(3, int))
    with pytest.raises(DataError, match="x_val"):
        load_npz(path)


def save_splits(path, x, y):
    np.savez(path, x_train=x, y_train=y, x_test=x[:2], y_test=y[:2])
    return path


def test_float_inputs_are_taken_as_they_are_unless_a_preprocessing_is_stated(tmp_path):
    x = np.array([[3.0, -2.0, 0.25], [10.0, 0.0, -7.5]], dtype=np.float32)
    path = save_splits(tmp_path / "f.npz", x, np.array([0, 1]))
    assert torch.equal(load_npz(path).x_train, torch.from_numpy(x))  # raw features are never rescaled on a guess
    assert torch.equal(load_source("npz", path).x_train, torch.from_numpy(x))
    stated = load_npz(path, Preprocessing((1.0, 0.0, -0.5), (2.0, 4.0, 0.5)))  # one per feature of N×F
    assert torch.allclose(stated.x_train, torch.tensor([[1.0, -0.5, 1.5], [4.5, 0.0, -14.0]]))
    assert default_preprocessing(np.float64) == AS_IS and default_preprocessing("uint8") == PAPER_PREPROCESSING


def test_per_channel_mean_and_std_apply_to_channels_last_images_and_leave_the_array_unchanged(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (3, 5, 5, 3), dtype=np.uint8)
    kept = x.copy()
    imagenet = Preprocessing((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    splits = load_npz(save_splits(tmp_path / "rgb.npz", x, np.array([0, 1, 2])), imagenet)
    expected = (x.transpose(0, 3, 1, 2) / 255.0 - np.array([0.485, 0.456, 0.406])[:, None, None]) \
        / np.array([0.229, 0.224, 0.225])[:, None, None]
    assert np.allclose(splits.x_train.numpy(), expected, atol=1e-5)
    assert splits.x_train.dtype == torch.float32 and np.array_equal(x, kept)
    with pytest.raises(DataError, match="2 means and stds, but the inputs have 3 channels"):
        load_npz(tmp_path / "rgb.npz", Preprocessing((0.5, 0.5), (0.2, 0.2)))


@pytest.mark.parametrize("mean, std, message", [
    ((0.5, 0.5), (0.5,), "as many means as stds"),
    ((), (), "at least one"),
    ((0.5,), (0.0,), "stds finite and positive"),
    ((float("nan"),), (1.0,), "means must be finite"),
])
def test_a_malformed_preprocessing_is_refused(mean, std, message):
    with pytest.raises(DataError, match=message):
        Preprocessing(mean, std)


def test_a_preprocessing_says_what_it_does():
    assert PAPER_PREPROCESSING.describe("uint8") == "x / 255, then (x − 0.5) / 0.5 per channel"
    assert AS_IS.describe("float32") == "the stored values as they are"
    assert AS_IS.describe("uint8") == "x / 255, no standardisation"
    assert Preprocessing((0.485, 0.456), (0.229, 0.224)).describe("float32") == \
        "(x − [0.485, 0.456]) / [0.229, 0.224] per channel"
    assert Preprocessing.from_dict(PAPER_PREPROCESSING.to_dict(), AS_IS) == PAPER_PREPROCESSING
    assert Preprocessing.from_dict(None, AS_IS) == AS_IS


def test_npz_channels_last_images_become_channels_first(tmp_path):
    x = np.zeros((4, 32, 32, 3), dtype=np.uint8)
    path = tmp_path / "c.npz"
    np.savez(path, x_train=x, y_train=np.zeros(4, dtype=int), x_test=x, y_test=np.zeros(4, dtype=int))
    assert load_npz(path).input_shape == (3, 32, 32)


@pytest.mark.parametrize("arrays, message", [
    ({"x_train": np.zeros((2, 4)), "y_train": np.zeros(2, int), "x_test": np.zeros((2, 4))}, "missing arrays"),
    ({"x_train": np.zeros((2, 4)), "y_train": np.zeros(3, int), "x_test": np.zeros((2, 4)),
      "y_test": np.zeros(2, int)}, "y_train must be a vector of 2 labels"),
    ({"x_train": np.zeros((2, 4)), "y_train": np.zeros(2), "x_test": np.zeros((2, 4)),
      "y_test": np.zeros(2, int)}, "integer class indices"),
    ({"x_train": np.zeros((2, 4)), "y_train": np.zeros(2, int), "x_test": np.zeros((2, 5)),
      "y_test": np.zeros(2, int)}, "x_test"),
])
def test_malformed_npz_is_a_clear_error(tmp_path, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(DataError, match=message):
        load_npz(path)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, x_train=np.array([{"a": 1}], dtype=object), y_train=np.zeros(1, int),
             x_test=np.zeros((1, 2)), y_test=np.zeros(1, int))
    with pytest.raises(DataError, match="plain arrays"):
        load_npz(path)


@pytest.mark.parametrize("layout, compress", [("flat", False), ("flat", True), ("torchvision", False)])
def test_mnist_idx_roots(tmp_path, layout, compress):
    folder = tmp_path if layout == "flat" else tmp_path / "MNIST" / "raw"
    arrays = fake_mnist(folder, compress)
    splits = load_source("mnist", tmp_path)
    assert splits.x_train.shape == (12, 1, 28, 28) and len(splits.y_test) == 5
    assert np.array_equal(splits.y_train.numpy(), arrays["train-labels-idx1-ubyte"])
    expected = (arrays["t10k-images-idx3-ubyte"][0] / 255.0 - 0.5) / 0.5
    assert np.allclose(splits.x_test[0, 0].numpy(), expected, atol=1e-6)


def test_missing_roots_name_the_expected_files(tmp_path):
    with pytest.raises(DataError, match="train-images-idx3-ubyte.*FashionMNIST/raw"):
        load_source("fashion_mnist", tmp_path)
    with pytest.raises(DataError, match="cifar-10-batches-py"):
        load_source("cifar10", tmp_path)
    with pytest.raises(DataError, match="train and .*test"):
        load_source("imagefolder", tmp_path)
    with pytest.raises(DataError, match="needs a root"):
        load_source("mnist")
    with pytest.raises(DataError, match="unknown data source 'svhn'"):
        load_source("svhn", tmp_path)


def test_imagefolder(tmp_path):
    from PIL import Image

    for split, count in (("train", 3), ("test", 2)):
        for cls in ("cat", "dog"):
            (tmp_path / split / cls).mkdir(parents=True)
            for i in range(count):
                Image.new("RGB", (6, 6), (255 * (cls == "dog"), 0, 0)).save(tmp_path / split / cls / f"{i}.png")
    splits = load_source("imagefolder", tmp_path)
    assert splits.x_train.shape == (6, 3, 6, 6) and splits.num_classes == 2
    assert torch.all(splits.x_train[splits.y_train == 1][:, 0] == 1.0)  # red channel of "dog" images
    assert load_source("imagefolder", tmp_path, image_size=4).input_shape == (3, 4, 4)


def test_digits_is_the_embedded_default():
    splits = load_digits()
    assert len(splits.x_train) == 1400 and len(splits.x_test) == 397
    assert splits.input_shape == (1, 8, 8) and splits.num_classes == 10
    assert splits.x_train.min() == -1.0 and splits.x_train.max() == 1.0
    assert torch.equal(load_digits().y_train, splits.y_train)  # the split is fixed
    assert splits.subset(100, 50).x_train.shape[0] == 100
