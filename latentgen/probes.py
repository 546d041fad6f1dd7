"""Probes fitted on layer representations and noisy training labels, scikit-learn style.

`MASCProbe` (METHOD.md §4) and `LinearProbe` (§5) are fitted from per-class uncentered second
moments: either straight from activations H (n × d) or from `ClassStatistics` streamed over a
data set too big for memory. Baselines (§8) wrap scikit-learn.

Precision (the spectral probes' `dtype`): by default ("float64") the statistics and spectra are
float64, as in the published procedure, and scores are computed in float32 with a rigorous bound
on their rounding error (products summed over blocks of 512 features, so the bound grows with the
block, not with d); the classes that the bound leaves in contention with a row's top class are
re-scored in float64 for that row. So predictions are those of float64 scoring, at nearly float32
speed (see `bench/scoring.py`). "float32" does everything
in float32: a faster fit, but float32 spectra move the subspaces enough to change ~0.1 % of
predictions on real layers (MNIST pixels: 13 of 10,000).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch
from sklearn.base import BaseEstimator

from latentgen.device import resolve_device
from latentgen.extract import ClassStatistics
from latentgen.memory import SPECTRAL_PROBES

_DTYPES = {"float32": torch.float32, "float64": torch.float64}
_PREDICT_CHUNK = 8192  # rows scored at once, at most; fewer when a chunk's products would pass _PRODUCT_BYTES
_PRODUCT_BYTES = 2**27
_FLOAT32_UNIT_ROUNDOFF = 2.0**-24
_FLOAT64_UNIT_ROUNDOFF = 2.0**-53
# features per float32 partial product of the certified scoring: its rounding bound grows with this
_SCORE_BLOCK = 512


def _as_tensor(H, dtype=torch.float32, device=None) -> torch.Tensor:
    """H as a 2-D tensor on `device`; `dtype=None` keeps float64 features float64 (else float32)."""
    if isinstance(H, np.ndarray):
        H = torch.from_numpy(H)
    if not isinstance(H, torch.Tensor):
        raise TypeError(f"features must be a numpy array or a torch tensor, got {type(H).__name__}")
    if H.ndim != 2:
        raise ValueError(f"features must have shape (n, d), got {tuple(H.shape)}")
    if dtype is None:
        dtype = torch.float64 if H.dtype == torch.float64 else torch.float32
    return H.to(device=device, dtype=dtype)


def _gamma(terms, unit_roundoff: float = _FLOAT32_UNIT_ROUNDOFF) -> torch.Tensor:
    """γ_n = n·u / (1 − n·u), u the unit roundoff (float32's by default): the relative error bound
    of an n-term dot product or sum, in any order of summation (Higham, Accuracy and Stability, §3.1)."""
    nu = torch.as_tensor(terms).double() * unit_roundoff
    return nu / (1 - nu)


def _float32_matmul_is_exact_float32() -> bool:
    """Whether float32 matmuls round in float32 (no TF32 or bfloat16 shortcuts): the rounding bounds
    of the certified scoring assume it."""
    return torch.get_float32_matmul_precision() == "highest"


def _feature_blocks(rows: torch.Tensor) -> list[tuple[int, int, torch.Tensor]]:
    """`rows` (m × d, float64) rounded to float32 and cut into contiguous column blocks of
    `_SCORE_BLOCK` features: (start, stop, m × block)."""
    dim = rows.shape[1]
    return [(start, min(start + _SCORE_BLOCK, dim), rows[:, start:start + _SCORE_BLOCK].float().contiguous())
            for start in range(0, dim, _SCORE_BLOCK)]


def _blocked_products(H: torch.Tensor, blocks, row_norm: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Products P̂ ≈ H Bᵀ (n × m) for the rows B that `blocks` holds, in float32: one product per
    block of features, the blocks' partial products then summed one after another. So rounding
    grows with the block's length plus the number of blocks, not with d: for every row b of norm
    ≤ `row_norm`, |p̂ − b·h| ≤ δ = γ_{block+blocks+2}·‖b‖·‖h‖ (the +2: rounding b and h to float32;
    Cauchy-Schwarz on Σ|b_j h_j|). Returns P̂ (float64), N̂ = ‖h‖² (n, 1, float64), δ (n, 1) and ε
    with |N̂ − ‖h‖²| ≤ ε·N̂ (each block's norm in float32, their squares summed in float64)."""
    products = partial = None
    squared = torch.zeros(len(H), 1, dtype=torch.float64, device=H.device)
    for start, stop, block in blocks:
        part = H[:, start:stop].float()
        if products is None:
            products = part @ block.T
            partial = torch.empty_like(products)
        else:
            products.add_(torch.matmul(part, block.T, out=partial))
        squared.add_(torch.linalg.vector_norm(part, dim=1, keepdim=True).double().square())
    relative = float(2 * _gamma(_SCORE_BLOCK + 5) + _gamma(len(blocks), _FLOAT64_UNIT_ROUNDOFF))
    delta = float(_gamma(_SCORE_BLOCK + len(blocks) + 2)) * row_norm * (squared * (1 + relative)).sqrt()
    return products.double(), squared, delta, relative


def _close_classes(scores: torch.Tensor, bound: torch.Tensor, shared=None) -> torch.Tensor:
    """(n, K) mask of the classes each row must score exactly: the classes c whose float32 score is
    within reach of the top one's, scores[top] − scores[c] ≤ bound[top] + bound[c] (+ |coef[top] −
    coef[c]|·size for `shared` = (coef (K,), size (n, 1)), an error common to all classes in
    proportion to coef), so that exact scores might rank c first; and the top class itself where
    any is. Every other class is certainly behind the top one, so the exact argmax lies in the mask
    (or is the top class where the mask is empty)."""
    top = scores.argmax(1, keepdim=True)
    slack = bound.gather(1, top) + bound
    if shared is not None:
        coef, size = shared
        slack = slack + (coef[top] - coef).abs() * size
    close = scores.gather(1, top) - scores <= slack
    close.scatter_(1, top, False)
    close.scatter_(1, top, close.any(1, keepdim=True))
    return close


def _as_labels(y, n: int) -> np.ndarray:
    y = y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"expected {n} labels, got shape {y.shape}")
    if n and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0):
        raise ValueError("labels must be non-negative integer class indices")
    return y.astype(np.int64)


def eigh_descending(matrix: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigenvalues (descending) and orthonormal eigenvectors (columns, same order) of a symmetric
    positive semi-definite matrix, on its device.

    Coordinates that are zero for every example (dead ReLU units) leave zero rows and columns; the
    solver sees only the rest (smaller, and LAPACK's float32 solver may fail to converge on such
    blocks), and each dead coordinate is its own eigenvector with eigenvalue 0. torch's solver
    rather than scipy's: on the rank-deficient moments of real layers it is several times faster."""
    live = torch.diagonal(matrix) > 0
    n, m = matrix.shape[0], int(live.sum())
    sub = matrix[live][:, live]
    try:
        values, vectors = torch.linalg.eigh(sub)
    except torch.linalg.LinAlgError:  # rare: retry in double precision
        values, vectors = (t.to(matrix.dtype) for t in torch.linalg.eigh(sub.double()))
    full_values = torch.zeros(n, dtype=matrix.dtype, device=matrix.device)
    full_values[:m] = values.flip(0)
    full_vectors = torch.zeros(n, n, dtype=matrix.dtype, device=matrix.device)
    full_vectors[live, :m] = vectors.flip(1)
    dead = torch.nonzero(~live).flatten()
    full_vectors[dead, m + torch.arange(n - m, device=matrix.device)] = 1.0
    return full_values, full_vectors


def top_eigenpair(matrix: torch.Tensor, block: int = 16, tol: float = 1e-10,
                  max_iter: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """The largest eigenvalue (shape (1,)) and its unit eigenvector (shape (d, 1)) of a symmetric
    positive semi-definite matrix: subspace iteration with Rayleigh-Ritz in double precision,
    O(d²·block) a step instead of the O(d³) of a full solve, stopped when the residual
    ‖S v − λ v‖ ≤ tol·λ; the full solver answers if it has not converged (or d is small)."""
    n = matrix.shape[0]
    if n > 4 * block:
        m = matrix.double()
        generator = torch.Generator(device=m.device).manual_seed(0)
        basis = torch.linalg.qr(torch.randn(n, block, generator=generator, device=m.device, dtype=m.dtype)).Q
        for _ in range(max_iter):
            image = m @ basis
            ritz_values, ritz_vectors = torch.linalg.eigh(basis.T @ image)
            value, coords = ritz_values[-1], ritz_vectors[:, -1]
            if value <= 0:
                break
            vector = basis @ coords
            if torch.linalg.vector_norm(image @ coords - value * vector) <= tol * value:
                vector = vector / torch.linalg.vector_norm(vector)
                return value.reshape(1).to(matrix.dtype), vector.reshape(n, 1).to(matrix.dtype)
            basis = torch.linalg.qr(image).Q
    values, vectors = eigh_descending(matrix)
    return values[:1], vectors[:, :1]


def components_for_variance(eigenvalues: torch.Tensor, variance: float) -> int:
    """k = 1 + #{j : (λ_1+…+λ_j)/(λ_1+…+λ_d) ≤ τ}, capped at the number of positive eigenvalues."""
    values = eigenvalues.clamp_min(0).double()
    total = float(values.sum())
    rank = int((values > 0).sum())
    if total <= 0:
        return 0
    within = int((torch.cumsum(values, 0) / total <= variance).sum())
    return min(1 + within, rank)


class ClassSpectrum:
    """Eigen-decomposition of one class's second-moment matrix S_c, by whichever route is cheaper:
    S_c itself (d × d) or, when the class has fewer examples than dimensions, the Gram matrix
    H_c H_cᵀ (n_c × n_c), whose nonzero spectrum is the same. `vectors` are rows, descending;
    `complete` says whether they span the whole feature space; there may be fewer vectors than
    values (the Gram route drops vectors of eigenvalues lost in rounding). With `top_only`, just
    the top eigenpair (all the linear probe needs)."""

    def __init__(self, values: torch.Tensor, vectors: torch.Tensor, complete: bool):
        self.values, self.vectors, self.complete = values, vectors, complete

    @classmethod
    def from_moment(cls, moment: torch.Tensor, top_only: bool = False) -> "ClassSpectrum":
        values, vectors = top_eigenpair(moment) if top_only else eigh_descending(moment)
        return cls(values, vectors.T, complete=not top_only)

    @classmethod
    def from_class_data(cls, Hc: torch.Tensor, top_only: bool = False, needed=None) -> "ClassSpectrum":
        """`needed(values)`, when given, says how many of the top vectors the probe will use: the
        Gram route builds only those (each costs a d × n_c product)."""
        n, d = Hc.shape
        if n >= d:
            return cls.from_moment(Hc.T @ Hc, top_only)
        # Double precision: with the dominant mean direction of uncentered post-ReLU data, a
        # float32 Gram spectrum loses every eigenvalue below ~1e-4·λ1, thousands of them at d = 8,192.
        Hd = Hc.double()
        values, u = top_eigenpair(Hd @ Hd.T) if top_only else eigh_descending(Hd @ Hd.T)
        # v = H_cᵀ u / σ only for σ well above rounding noise: the rest would not be orthonormal.
        # `values` stays whole, so the variance rule sees the same total (the trace) as S_c's.
        reliable = int((values > values[0].clamp_min(0) * torch.finfo(values.dtype).eps * n).sum())
        values = values.clamp_min(0)
        m = reliable if needed is None else min(reliable, needed(values))
        vectors = (Hd.T @ u[:, :m] / values[:m].sqrt()).T
        return cls(values.to(Hc.dtype), vectors.to(Hc.dtype), complete=False)


class _SpectralProbe(BaseEstimator):
    """Shared fitting of MASC and the linear probe: one spectrum per class, from activations or
    from streamed `ClassStatistics`."""

    _top_only = False  # whether the probe needs only each class's top eigenpair
    _vectors_needed = None  # values -> how many top eigenvectors the probe uses (None: all)

    def __init__(self, dtype: str = "float64", device=None):
        self.dtype = dtype
        self.device = device

    def _compute(self) -> tuple[torch.dtype, torch.device]:
        if self.dtype not in _DTYPES:
            raise ValueError(f"dtype must be one of {list(_DTYPES)}, got {self.dtype!r}")
        return _DTYPES[self.dtype], resolve_device(self.device)

    def fit(self, H, y, num_classes: int | None = None):
        dtype, device = self._compute()
        H = _as_tensor(H, None, device)  # converted one class at a time: no float64 copy of all of H
        y = _as_labels(y, H.shape[0])
        num_classes = int(y.max()) + 1 if num_classes is None else num_classes
        counts = np.bincount(y, minlength=num_classes)
        # one class gathered at a time: no sorted copy of all of H
        spectra = [
            ClassSpectrum.from_class_data(
                H.index_select(0, torch.as_tensor(np.flatnonzero(y == c), device=device)).to(dtype), self._top_only,
                self._vectors_needed)
            if counts[c] else None
            for c in range(num_classes)
        ]
        return self._fit_spectra(spectra, H.mean(0, dtype=dtype), H.shape[1], counts)

    def fit_statistics(self, stats: ClassStatistics):
        """Fit from per-class second moments accumulated by `extract.class_statistics` (float64
        by default; float32 statistics cannot give the published procedure's spectra back)."""
        dtype, device = self._compute()
        counts = stats.counts.cpu().numpy()
        spectra = [
            ClassSpectrum.from_moment(stats.second_moments[c].to(device, dtype), self._top_only) if counts[c] else None
            for c in range(stats.num_classes)
        ]
        return self._fit_spectra(spectra, stats.mean.to(device, dtype), stats.dim, counts)

    def _fit_spectra(self, spectra, mean, dim, counts):
        raise NotImplementedError

    def _scores(self, H: torch.Tensor) -> torch.Tensor:
        """Scores (n, K) in the fitted precision."""
        raise NotImplementedError

    def _class_scores(self, H: torch.Tensor, c: int) -> torch.Tensor:
        """Class c's scores (n,) in the fitted precision: column c of `_scores`."""
        raise NotImplementedError

    def _scored_rows(self) -> int:
        """How many products each example's scores take (rows of the basis or of W)."""
        raise NotImplementedError

    def _float32_scores(self, H: torch.Tensor):
        """Scores (n, K) computed in float32 (returned as float64), a bound (n, K) on each one's
        rounding error, and an error shared by all classes (see `_close_classes`) or None."""
        raise NotImplementedError

    def _certified_scores(self, H: torch.Tensor) -> torch.Tensor:
        """float64 fit: float32 scores, and float64 ones for the (row, class) pairs that the float32
        rounding bound leaves in contention (`_close_classes`). The argmax is then that of float64
        scoring."""
        if self.dtype == "float32" or not _float32_matmul_is_exact_float32():
            return self._scores(H)
        scores, bound, shared = self._float32_scores(H)
        close = _close_classes(scores, bound, shared)
        for c in torch.nonzero(close.any(0)).flatten().tolist():
            rows = torch.nonzero(close[:, c]).flatten()
            scores[rows, c] = self._class_scores(H.index_select(0, rows), c).to(scores.dtype)
        return scores

    def decision_function(self, H) -> np.ndarray:
        """Class scores (n, K); their argmax is `predict`. With the float64 fit, rows whose top
        class float32 rounding cannot change hold float32-accurate scores, the others float64 ones."""
        self._compute()
        H = _as_tensor(H, None, resolve_device(self.device))
        if H.shape[1] != self.n_features_in_:
            raise ValueError(f"probe was fitted on {self.n_features_in_} features, got {H.shape[1]}")
        step = max(256, min(_PREDICT_CHUNK, _PRODUCT_BYTES // (8 * max(1, self._scored_rows()))))
        chunks = [self._certified_scores(H[i:i + step]) for i in range(0, len(H), step)]
        return torch.cat(chunks).cpu().numpy()

    def predict(self, H) -> np.ndarray:
        return self.decision_function(H).argmax(1)

    def score(self, H, y) -> float:
        return _accuracy(self.predict(H), y)


def _subspace_scores(H: torch.Tensor, basis: torch.Tensor, membership: torch.Tensor, offset: torch.Tensor,
                     sign: torch.Tensor) -> torch.Tensor:
    """MASC's scores in the basis' precision: offset + sign·(energy in each class's basis rows)/‖h‖²."""
    H = H.to(basis.dtype)
    energy = (H @ basis.T).square() @ membership
    norms = H.square().sum(1, keepdim=True).clamp_min(torch.finfo(H.dtype).tiny)
    return offset + sign * energy / norms


class MASCProbe(_SpectralProbe):
    """Minimum Angle Subspace Classifier: per class, the subspace through the origin spanned by
    the top k_c eigenvectors of S_c (k_c from a variance threshold, or fixed); predicts the class
    whose subspace makes the smallest angle with h, i.e. argmax_c ‖P_c h‖².

    Fitted attributes: `components_` (list of k_c × d arrays P_c), `k_` (k_c per class),
    `eigenvalues_` (each class's spectrum; with `components=1` only its top eigenvalue),
    `n_features_in_`, `classes_`."""

    def __init__(self, variance: float = 0.99, components: int | None = None, dtype: str = "float64", device=None):
        super().__init__(dtype, device)
        self.variance = variance
        self.components = components

    @property
    def _top_only(self) -> bool:
        return self.components == 1  # the top eigenpair alone, as for the linear probe

    def _vectors_needed(self, values: torch.Tensor) -> int:
        return self._k(values)

    def _k(self, values: torch.Tensor) -> int:
        if self.components is not None:
            if self.components < 1:
                raise ValueError(f"components must be a positive integer, got {self.components}")
            return min(int(self.components), int((values > 0).sum()))
        if not 0.0 < self.variance <= 1.0:
            raise ValueError(f"variance must lie in (0, 1], got {self.variance}")
        return components_for_variance(values, self.variance)

    def with_components(self, components: int) -> "MASCProbe":
        """A fitted copy that keeps each class's top `components` eigenvectors (the same spectra:
        no refit), e.g. MASC with one component from a fit at τ = 0.99. Each fitted class must
        hold at least that many."""
        if components < 1 or any(0 < k < components for k in self.k_):
            raise ValueError(f"components must lie in [1, {min(k for k in self.k_ if k)}] (the smallest fitted k_c), "
                             f"got {components}")
        device = self._basis.device
        spectra = [
            ClassSpectrum(torch.as_tensor(values, device=device), torch.as_tensor(rows[:components], device=device),
                          complete=False) if k else None
            for values, rows, k in zip(self.eigenvalues_, self.components_, self.k_)
        ]
        probe = MASCProbe(self.variance, components, self.dtype, self.device)
        return probe._fit_spectra(spectra, self._basis.new_zeros(self.n_features_in_), self.n_features_in_, None)

    def _fit_spectra(self, spectra, mean, dim, counts):
        self.n_features_in_ = dim
        self.classes_ = np.arange(len(spectra))
        self.k_ = np.array([min(self._k(s.values), len(s.vectors)) if s is not None else 0 for s in spectra],
                           dtype=np.int64)
        self.eigenvalues_ = [s.values.cpu().numpy() if s is not None else np.zeros(0) for s in spectra]
        # Score with whichever basis is smaller: ‖P_c h‖² = ‖h‖² − ‖Q_c h‖² when the spectrum is
        # complete and the complement Q_c has fewer rows than P_c.
        bases, offsets, signs, owners = [], [], [], []
        self._class_rows = [slice(0, 0)] * len(spectra)  # each class's rows of the joint basis
        start, complements = 0, set()
        for c, (s, k) in enumerate(zip(spectra, self.k_)):
            if s is None or k == 0:
                continue
            use_complement = s.complete and dim - k < k
            if use_complement:
                complements.add(c)
            basis = s.vectors[k:] if use_complement else s.vectors[:k]
            self._class_rows[c], start = slice(start, start + len(basis)), start + len(basis)
            bases.append(basis)
            owners.append(torch.full((len(basis),), c, dtype=torch.int64, device=basis.device))
            offsets.append(1.0 if use_complement else 0.0)
            signs.append(-1.0 if use_complement else 1.0)
        device = mean.device
        num_classes = len(spectra)
        basis = torch.cat(bases) if bases else torch.zeros(0, dim, dtype=mean.dtype, device=device)
        owner = torch.cat(owners) if owners else torch.zeros(0, dtype=torch.int64, device=device)
        self._basis = basis
        # P_c as views of the joint basis where it holds P_c itself: each basis is stored once
        self.components_ = [
            (s.vectors[:k] if c in complements else basis[self._class_rows[c]]).cpu().numpy() if k
            else torch.zeros(0, dim, dtype=mean.dtype).numpy()
            for c, (s, k) in enumerate(zip(spectra, self.k_))
        ]
        self._membership = torch.zeros(len(basis), num_classes, dtype=basis.dtype, device=device)
        self._membership[torch.arange(len(basis), device=device), owner] = 1.0
        fitted = [c for c, k in enumerate(self.k_) if k > 0]
        self._offset = torch.full((num_classes,), -torch.inf, dtype=basis.dtype, device=device)
        self._sign = torch.zeros(num_classes, dtype=basis.dtype, device=device)
        self._offset[fitted] = torch.tensor(offsets, dtype=basis.dtype, device=device)
        self._sign[fitted] = torch.tensor(signs, dtype=basis.dtype, device=device)
        if basis.dtype == torch.float64:
            self._basis_blocks = _feature_blocks(basis)
            self._basis_row_norm = float(torch.linalg.vector_norm(basis, dim=1).max()) if len(basis) else 0.0
            self._basis_rows = self._membership.sum(0)  # per class: rows of its basis
        return self

    def _scores(self, H: torch.Tensor) -> torch.Tensor:
        """cos² of the angle between each row of H and each class subspace (−inf for classes
        without training examples)."""
        return _subspace_scores(H, self._basis, self._membership, self._offset, self._sign)

    def _scored_rows(self) -> int:
        return len(self._basis)

    def _class_scores(self, H: torch.Tensor, c: int) -> torch.Tensor:
        rows = self._class_rows[c]
        return _subspace_scores(H, self._basis[rows], self._membership[rows, c:c + 1], self._offset[c:c + 1],
                                self._sign[c:c + 1])[:, 0]

    def _float32_scores(self, H: torch.Tensor):
        """Each class's energy e = Σ_i p_i² over its basis rows, from projections p̂_i (see
        `_blocked_products`) with |p̂_i − p_i| ≤ δ: |Σp̂² − Σp²| ≤ δ·(2Σ|p̂_i| + k·δ), and the float64
        sums of k terms add at most γ64_{k+1} of each. Scores are e/N or 1 − e/N with N = ‖h‖²:
        multiplied by N they differ only by the energies' errors and by (N̂ − N) times the offset
        (0 or 1), an error shared by the classes; a common positive factor changes no ranking."""
        proj, squared_norm, delta, norm_error = _blocked_products(H, self._basis_blocks, self._basis_row_norm)
        energy = proj.square() @ self._membership
        spread = proj.abs_() @ self._membership
        squared_norm = squared_norm.clamp_min(torch.finfo(torch.float64).tiny)
        sum_error = _gamma(self._basis_rows + 1, _FLOAT64_UNIT_ROUNDOFF)  # the float64 sums over basis rows
        energy_error = delta * (2 * spread + self._basis_rows * delta) * (1 + sum_error) + sum_error * energy
        scores = self._offset + self._sign * energy / squared_norm
        # + float64 rounding of the last operations on scores ≤ ~1
        bound = energy_error / squared_norm + 1e-12
        return scores, bound, (self._offset.nan_to_num(neginf=0.0), torch.full_like(squared_norm, norm_error))


class LinearProbe(_SpectralProbe):
    """The paper's linear probe (VeLPIC): W's rows are each class's top eigenvector of S_c, signed
    so that its mean projection over all training points is non-negative; predicts argmax W h.

    Fitted attributes: `W` (K × d, also `coef_`), `signs_` (+1 or −1 applied to each class's
    eigenvector, 0 for a class without examples), `n_features_in_`, `classes_`."""

    _top_only = True

    def _fit_spectra(self, spectra, mean, dim, counts):
        rows, signs = [], []
        for s in spectra:
            if s is None or len(s.vectors) == 0:
                rows.append(torch.zeros(dim, dtype=mean.dtype, device=mean.device))
                signs.append(0)
                continue
            v = s.vectors[0]
            sign = -1 if float(v @ mean) < 0 else 1
            rows.append(sign * v)
            signs.append(sign)
        self._W = torch.stack(rows)
        if self._W.dtype == torch.float64:
            self._W_blocks = _feature_blocks(self._W)
            self._W_row_norm = float(torch.linalg.vector_norm(self._W, dim=1).max())
        self.signs_ = np.array(signs, dtype=np.int64)
        self.W = self.coef_ = self._W.cpu().numpy()
        self.n_features_in_ = dim
        self.classes_ = np.arange(len(spectra))
        return self

    def _scores(self, H: torch.Tensor) -> torch.Tensor:
        return H.to(self._W.dtype) @ self._W.T

    def _scored_rows(self) -> int:
        return len(self._W)

    def _class_scores(self, H: torch.Tensor, c: int) -> torch.Tensor:
        return H.to(self._W.dtype) @ self._W[c]

    def _float32_scores(self, H: torch.Tensor):
        scores, _, delta, _ = _blocked_products(H, self._W_blocks, self._W_row_norm)
        return scores, delta.expand_as(scores), None


def _accuracy(pred: np.ndarray, y) -> float:
    y = _as_labels(y, len(pred))
    return float((pred == y).mean()) if len(y) else float("nan")


class _SklearnProbe(BaseEstimator):
    """Baseline probes: a scikit-learn classifier on numpy features."""

    def _make(self):
        raise NotImplementedError

    def fit(self, H, y, num_classes: int | None = None):
        H = _as_tensor(H, torch.float32, "cpu").numpy()
        self.estimator_ = self._make().fit(H, _as_labels(y, len(H)))
        self.n_features_in_ = H.shape[1]
        return self

    def predict(self, H) -> np.ndarray:
        return self.estimator_.predict(_as_tensor(H, torch.float32, "cpu").numpy())

    def score(self, H, y) -> float:
        return _accuracy(self.predict(H), y)


class LogisticProbe(_SklearnProbe):
    """Multinomial logistic regression on standardised features."""

    def __init__(self, C: float = 1.0, max_iter: int = 300):
        self.C, self.max_iter = C, max_iter

    def _make(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(C=self.C, max_iter=self.max_iter))


class LDAProbe(_SklearnProbe):
    """Linear discriminant analysis with Ledoit-Wolf shrinkage (stable when d is large)."""

    def _make(self):
        from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

        return LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")


class KNNProbe(_SklearnProbe):
    """k nearest neighbours by cosine distance."""

    def __init__(self, n_neighbors: int = 5):
        self.n_neighbors = n_neighbors

    def _make(self):
        from sklearn.neighbors import KNeighborsClassifier

        return KNeighborsClassifier(n_neighbors=self.n_neighbors, metric="cosine", algorithm="brute")


class NearestMeanProbe(BaseEstimator):
    """Cosine nearest class mean: predicts the class whose mean makes the smallest angle with h."""

    def fit(self, H, y, num_classes: int | None = None):
        H = _as_tensor(H)
        y = torch.as_tensor(_as_labels(y, len(H)))
        num_classes = int(y.max()) + 1 if num_classes is None else num_classes
        sums = torch.zeros(num_classes, H.shape[1]).index_add_(0, y, H)
        self.means_ = torch.nn.functional.normalize(sums, dim=1).numpy()
        self.n_features_in_ = H.shape[1]
        return self

    def predict(self, H) -> np.ndarray:
        return (_as_tensor(H) @ torch.from_numpy(self.means_).T).argmax(1).numpy()

    def score(self, H, y) -> float:
        return _accuracy(self.predict(H), y)


PROBES = {
    "masc": MASCProbe,
    "linear": LinearProbe,
    "logistic": LogisticProbe,
    "nearest_mean": NearestMeanProbe,
    "lda": LDAProbe,
    "knn": KNNProbe,
}


def make_probe(name: str, **options):
    """A probe by its name in `PROBES`, with its options (e.g. masc: variance, components)."""
    if name not in PROBES:
        raise ValueError(f"unknown probe {name!r}; choose from {', '.join(PROBES)}")
    try:
        return PROBES[name](**options)
    except TypeError as exc:
        raise ValueError(f"bad options for probe {name!r}: {exc}") from exc


def probe_names(names: Sequence[str] | None) -> list[str]:
    names = list(SPECTRAL_PROBES) if names is None else list(names)
    for name in names:
        make_probe(name)
    return names
