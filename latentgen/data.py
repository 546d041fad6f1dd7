"""Data sources, loaded whole into memory as normalised tensors.

Every loader returns `Splits` of float32 inputs, images as N×C×H×W, labels int64, prepared by a
stated `Preprocessing`: uint8 values are divided by 255, then each channel is standardised with a
mean and std. The named sources use the paper's mean 0.5 and std 0.5 (METHOD.md §9); an npz uses
them for uint8 images and takes floating-point inputs as they are, unless told otherwise: floats are
never rescaled on a guess. Nothing is ever downloaded: a missing source is a `DataError` naming the
files that were expected.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from latentgen.inputs import PAPER_PREPROCESSING, DataError, Preprocessing, default_preprocessing, to_nchw
from latentgen.sources import DIGITS_TEST_SIZE

SOURCES = ("npz", "mnist", "fashion_mnist", "cifar10", "cifar100", "digits", "imagefolder")
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
VALIDATION_KEYS = ("x_val", "y_val")  # optional


@dataclass
class Splits:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    # examples held out of the model's training, for choices (an npz's x_val, y_val), or None
    x_val: torch.Tensor | None = None
    y_val: torch.Tensor | None = None

    @property
    def num_classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    def subset(self, n_train: int | None = None, n_test: int | None = None) -> "Splits":
        """The first `n_train` training and `n_test` test examples (official order kept)."""
        return Splits(
            self.x_train[:n_train], self.y_train[:n_train], self.x_test[:n_test], self.y_test[:n_test],
            self.x_val, self.y_val,
        )


def _labels(y: np.ndarray, name: str, n: int) -> torch.Tensor:
    if y.ndim != 1 or y.shape[0] != n:
        raise DataError(f"{name} must be a vector of {n} labels, got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise DataError(f"{name} must hold integer class indices, got dtype {y.dtype}")
    if y.size and y.min() < 0:
        raise DataError(f"{name} holds negative class indices")
    return torch.as_tensor(y.astype(np.int64))


def from_arrays(x_train, y_train, x_test, y_test, x_val=None, y_val=None,
                preprocessing: Preprocessing | None = None) -> Splits:
    """Validate and prepare raw arrays into `Splits` (with a validation split when x_val and y_val
    are given), by `preprocessing` or else by x_train's dtype's default."""
    if (x_val is None) != (y_val is None):
        raise DataError("x_val and y_val go together: give both or neither")
    xs = {"x_train": x_train, "x_test": x_test, **({} if x_val is None else {"x_val": x_val})}
    xs = {name: to_nchw(np.asarray(x)) for name, x in xs.items()}
    for name, x in xs.items():
        if x.shape[1:] != xs["x_train"].shape[1:]:
            raise DataError(f"x_train examples have shape {xs['x_train'].shape[1:]} but {name} {x.shape[1:]}")
        if not (x.dtype == np.uint8 or np.issubdtype(x.dtype, np.floating)):
            raise DataError(f"{name} must be uint8 or floating point, got dtype {x.dtype}")
        if x.shape[0] == 0:
            raise DataError(f"{name} is empty")
    labels = {"y_train": y_train, "y_test": y_test, "y_val": y_val}
    prepare = preprocessing or default_preprocessing(xs["x_train"].dtype)
    prepare.check_channels(xs["x_train"].shape[1])
    split = {name: (torch.from_numpy(prepare.apply(x)), _labels(np.asarray(labels["y" + name[1:]]), "y" + name[1:], x.shape[0]))
             for name, x in xs.items()}
    return Splits(*split["x_train"], *split["x_test"], *split.get("x_val", (None, None)))


def load_npz(path: str | Path, preprocessing: Preprocessing | None = None) -> Splits:
    """An .npz with arrays x_train, y_train, x_test, y_test, and optionally x_val, y_val:
    examples held out of the model's training (never unpickled); prepared as `from_arrays` says."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"npz file not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in NPZ_KEYS if k not in archive.files]
            if missing:
                raise DataError(f"npz is missing arrays {missing}; it must hold {list(NPZ_KEYS)}")
            arrays = {k: archive[k] for k in NPZ_KEYS + VALIDATION_KEYS if k in archive.files}
    except DataError:
        raise
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot read {path.name} as an npz of plain arrays: {exc}") from exc
    return from_arrays(**arrays, preprocessing=preprocessing)


_IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
_TORCHVISION_DIRS = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST"}


def _read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataError(f"{path} is not an idx file of unsigned bytes")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise DataError(f"{path} is truncated: expected {dims}")
    return data.reshape(dims).copy()  # frombuffer is read-only; torch wants writable memory


def load_idx_root(name: str, root: str | Path, preprocessing: Preprocessing = PAPER_PREPROCESSING) -> Splits:
    """MNIST or Fashion-MNIST from the four official idx files (plain or .gz), found in
    `root`, or in torchvision's layout `root/MNIST/raw` / `root/FashionMNIST/raw`."""
    root = Path(root)
    candidates = [root, root / _TORCHVISION_DIRS[name] / "raw"]
    for folder in candidates:
        found = {}
        for key, stem in _IDX_FILES.items():
            for suffix in ("", ".gz"):
                if (folder / (stem + suffix)).is_file():
                    found[key] = folder / (stem + suffix)
                    break
        if len(found) == len(_IDX_FILES):
            arrays = {key: _read_idx(path) for key, path in found.items()}
            return from_arrays(**{k: v.astype(np.int64) if k.startswith("y") else v for k, v in arrays.items()},
                               preprocessing=preprocessing)
    raise DataError(
        f"{name} not found under {root}: expected {', '.join(_IDX_FILES.values())} (optionally .gz) "
        f"in {' or '.join(str(c) for c in candidates)}"
    )


def load_cifar(name: str, root: str | Path, preprocessing: Preprocessing = PAPER_PREPROCESSING) -> Splits:
    """CIFAR-10/100 in torchvision's python layout (cifar-10-batches-py, cifar-100-python)."""
    from torchvision.datasets import CIFAR10, CIFAR100

    cls, folder = (CIFAR10, "cifar-10-batches-py") if name == "cifar10" else (CIFAR100, "cifar-100-python")
    try:
        train, test = cls(str(root), train=True, download=False), cls(str(root), train=False, download=False)
    except RuntimeError as exc:
        expected = "data_batch_1..5, test_batch, batches.meta" if name == "cifar10" else "train, test, meta"
        raise DataError(f"{name} not found: expected {Path(root) / folder} holding {expected}") from exc
    return from_arrays(train.data, np.asarray(train.targets), test.data, np.asarray(test.targets),
                       preprocessing=preprocessing)


def load_imagefolder(root: str | Path, image_size: int | None = None,
                     preprocessing: Preprocessing = PAPER_PREPROCESSING) -> Splits:
    """Class-per-folder images under `root/train` and `root/test` (or `root/val`)."""
    from torchvision import transforms
    from torchvision.datasets import ImageFolder

    root = Path(root)
    test_dir = next((root / d for d in ("test", "val") if (root / d).is_dir()), None)
    if not (root / "train").is_dir() or test_dir is None:
        raise DataError(f"imagefolder needs {root}/train and {root}/test (or val), one subfolder per class")
    steps = ([transforms.Resize((image_size, image_size))] if image_size else []) + [transforms.PILToTensor()]
    transform = transforms.Compose(steps)
    train, test = ImageFolder(str(root / "train"), transform), ImageFolder(str(test_dir), transform)
    if train.classes != test.classes:
        raise DataError(f"train classes {train.classes} differ from test classes {test.classes}")

    def stack(folder):
        try:
            xs = torch.stack([img for img, _ in folder])
        except RuntimeError as exc:
            raise DataError("images differ in size: pass image_size to resize them") from exc
        return xs.numpy(), np.asarray(folder.targets)

    return from_arrays(*stack(train), *stack(test), preprocessing=preprocessing)


def load_digits(test_size: int = DIGITS_TEST_SIZE, seed: int = 0,
                preprocessing: Preprocessing = PAPER_PREPROCESSING) -> Splits:
    """scikit-learn's bundled 8×8 digits (1,797 images, values scaled to [0, 1]), split 1,400 / 397
    stratified."""
    from sklearn.datasets import load_digits as sk_digits
    from sklearn.model_selection import train_test_split

    digits = sk_digits()
    x = (digits.images / 16.0).astype(np.float32)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, digits.target, test_size=test_size, random_state=seed, stratify=digits.target
    )
    return from_arrays(x_tr, y_tr, x_te, y_te, preprocessing=preprocessing)


def load_source(name: str, root: str | Path | None = None, preprocessing: Preprocessing | None = None,
                **options) -> Splits:
    """Load a named source: npz (root is the file), mnist, fashion_mnist, cifar10, cifar100,
    imagefolder (root is the folder) or digits (bundled, no root), prepared by `preprocessing`
    (default: the paper's, an npz's by its dtype)."""
    if name == "npz" and root is not None:
        return load_npz(root, preprocessing)
    preprocessing = preprocessing or PAPER_PREPROCESSING
    if name == "digits":
        return load_digits(**options, preprocessing=preprocessing)
    if name not in SOURCES:
        raise DataError(f"unknown data source {name!r}; choose one of {', '.join(SOURCES)}")
    if root is None:
        raise DataError(f"data source {name!r} needs a root path")
    if name in _TORCHVISION_DIRS:
        return load_idx_root(name, root, preprocessing)
    if name in ("cifar10", "cifar100"):
        return load_cifar(name, root, preprocessing)
    return load_imagefolder(root, **options, preprocessing=preprocessing)
