import numpy as np
import pytest
import torch

from latentgen.extract import ClassStatistics
from latentgen.probes import (
    PROBES, LinearProbe, MASCProbe, components_for_variance, make_probe,
)


def planted(rng, num_classes=4, dim=30, rank=3, n=2400, noise=0.0, bases=None):
    """Each class lives on its own random `rank`-dimensional subspace through the origin."""
    if bases is None:
        bases = [np.linalg.qr(rng.standard_normal((dim, rank)))[0] for _ in range(num_classes)]
    y = rng.integers(0, num_classes, n)
    H = np.stack([bases[c] @ rng.standard_normal(rank) for c in y]) + noise * rng.standard_normal((n, dim))
    return H.astype(np.float64), y, bases


def projector(rows):
    rows = np.asarray(rows, dtype=np.float64)
    return rows.T @ rows


@pytest.mark.parametrize("spectrum, tau, expected", [
    ([4, 3, 2, 1], 0.7, 3),   # cumulative 0.4, 0.7, 0.9, 1.0: two within 0.7, plus one
    ([4, 3, 2, 1], 0.39, 1),
    ([4, 3, 2, 1], 0.95, 4),
    ([4, 3, 2, 1], 1.0, 4),   # capped at the rank
    ([5, 0, 0], 0.99, 1),
    ([0, 0, 0], 0.99, 0),     # a class whose features are all zero has no subspace
])
def test_k_rule_on_constructed_spectrum(spectrum, tau, expected):
    assert components_for_variance(torch.tensor(spectrum, dtype=torch.float64), tau) == expected


def test_k_rule_applied_to_fitted_class():
    # class 0's second moment is diag(16, 9, 4, 1)·n: ratios 16/30, 25/30, 29/30, 1
    rows = np.diag([4.0, 3.0, 2.0, 1.0])
    H = np.concatenate([rows, -rows, rows[::-1] * 0 + np.eye(4)])
    y = np.array([0] * 8 + [1] * 4)
    probe = MASCProbe(variance=0.9, dtype="float64").fit(H, y)
    assert probe.k_.tolist() == [3, 4]
    assert np.allclose(probe.eigenvalues_[0], [32, 18, 8, 2])
    assert MASCProbe(components=2).fit(H, y).k_.tolist() == [2, 2]


def direct_min_angle(H, components):
    """The minimum-angle rule written out: angle between h and each subspace, smallest wins."""
    angles = []
    for P in components:
        P = np.asarray(P, dtype=np.float64)
        cos = np.linalg.norm(H @ P.T, axis=1) / np.linalg.norm(H, axis=1)
        angles.append(np.arccos(np.clip(cos, -1, 1)))
    return np.argmin(np.stack(angles, 1), axis=1)


@pytest.mark.parametrize("noise, variance", [(0.05, 0.99), (0.3, 0.9), (0.3, 0.5)])
def test_predictions_equal_min_angle_rule_and_quadratic_forms(noise, variance):
    rng = np.random.default_rng(0)
    H, y, bases = planted(rng, dim=20, noise=noise)
    probe = MASCProbe(variance=variance, dtype="float64").fit(H, y)
    if variance == 0.9:  # k_c > d/2: scored through the complement basis
        assert (probe.k_ > 10).all() and (probe.k_ < 20).all()
    Ht, _, _ = planted(np.random.default_rng(1), dim=20, noise=noise, n=500, bases=bases)
    pred = probe.predict(Ht)
    assert np.array_equal(pred, direct_min_angle(Ht, probe.components_))
    quadratic = np.stack([np.einsum("nd,de,ne->n", Ht, projector(P), Ht) for P in probe.components_], 1)
    assert np.array_equal(pred, quadratic.argmax(1))


def test_planted_subspaces_are_recovered():
    rng = np.random.default_rng(2)
    H, y, bases = planted(rng, dim=40, rank=3, noise=0.0)
    probe = MASCProbe(variance=0.99).fit(torch.tensor(H, dtype=torch.float32), torch.tensor(y))
    assert probe.k_.tolist() == [3, 3, 3, 3]
    for P, basis in zip(probe.components_, bases):
        assert np.abs(projector(P) - basis @ basis.T).max() < 1e-4
    Ht, yt, _ = planted(np.random.default_rng(3), dim=40, rank=3, n=400, bases=bases)
    assert probe.score(Ht, yt) == 1.0


def test_gram_route_and_moment_route_give_the_same_subspaces():
    rng = np.random.default_rng(4)
    H, y, _ = planted(rng, num_classes=3, dim=200, rank=5, n=150, noise=0.01)  # n_c ≈ 50 < d = 200
    gram = MASCProbe(variance=0.95, dtype="float64").fit(H, y)
    stats = ClassStatistics(3, 200, dtype=torch.float64, device="cpu").update(torch.tensor(H), torch.tensor(y))
    moment = MASCProbe(variance=0.95, dtype="float64").fit_statistics(stats)
    assert gram.k_.tolist() == moment.k_.tolist()
    for a, b in zip(gram.components_, moment.components_):
        assert np.abs(projector(a) - projector(b)).max() < 1e-8
    assert np.array_equal(gram.predict(H), moment.predict(H))
    lin_gram = LinearProbe(dtype="float64").fit(H, y)
    lin_moment = LinearProbe(dtype="float64").fit_statistics(stats)
    assert np.allclose(lin_gram.W, lin_moment.W, atol=1e-8)


def test_streamed_statistics_equal_the_class_products():
    rng = np.random.default_rng(5)
    H = torch.tensor(rng.standard_normal((1000, 16)))
    y = torch.tensor(rng.integers(0, 4, 1000))
    stats = ClassStatistics(4, 16, dtype=torch.float64, device="cpu")
    for i in range(0, 1000, 128):
        stats.update(H[i:i + 128], y[i:i + 128])
    for c in range(4):
        Hc = H[y == c]
        assert torch.allclose(stats.second_moments[c], Hc.T @ Hc)
        assert torch.allclose(stats.sums[c], Hc.sum(0))
        assert int(stats.counts[c]) == len(Hc)
    assert torch.allclose(stats.mean, H.mean(0))
    assert stats.nbytes == 4 * 16 * 16 * 8 + 4 * 16 * 8 + 4 * 8  # K·d², independent of n


def test_linear_probe_sign_rule_and_top_eigenvectors():
    rng = np.random.default_rng(6)
    H, y, _ = planted(rng, num_classes=5, dim=12, rank=2, n=1500, noise=0.1)
    H = H + 0.3  # a nonzero mean, so the sign rule has something to decide
    probe = LinearProbe(dtype="float64").fit(H, y)
    mean = H.mean(0)
    for c in range(5):
        Hc = H[y == c]
        top = np.linalg.eigh(Hc.T @ Hc)[1][:, -1]
        assert abs(abs(top @ probe.W[c]) - 1) < 1e-8  # ± the top eigenvector, unit norm
        assert probe.W[c] @ mean >= 0
        assert probe.signs_[c] in (-1, 1)
    assert np.array_equal(probe.predict(H), (H @ probe.W.T).argmax(1))


def test_linear_probe_equals_one_component_masc_on_non_negative_features():
    rng = np.random.default_rng(7)
    H, y, _ = planted(rng, num_classes=6, dim=25, rank=4, n=3000, noise=0.2)
    H = np.maximum(H, 0)  # post-ReLU-like
    masc = MASCProbe(components=1, dtype="float64").fit(H, y)
    linear = LinearProbe(dtype="float64").fit(H, y)
    assert np.array_equal(masc.predict(H), linear.predict(H))


def test_class_without_examples_is_never_predicted():
    rng = np.random.default_rng(8)
    H, y, _ = planted(rng, num_classes=3, dim=10, n=300)
    probe = MASCProbe().fit(H, y, num_classes=5)
    assert probe.k_[3] == 0 and probe.k_[4] == 0
    assert set(probe.predict(H)) <= {0, 1, 2}
    assert (LinearProbe().fit(H, y, num_classes=5).W[3:] == 0).all()


@pytest.mark.parametrize("name", sorted(PROBES))
def test_every_probe_learns_separable_classes(name):
    rng = np.random.default_rng(9)
    centers = rng.standard_normal((3, 8)) * 5
    y = rng.integers(0, 3, 600)
    H = np.abs(centers[y] + rng.standard_normal((600, 8)))
    probe = make_probe(name).fit(H[:400], y[:400])
    assert probe.score(H[400:], y[400:]) > 0.9
    assert probe.predict(torch.tensor(H[400:])).shape == (200,)


def test_bad_probe_names_options_and_shapes_are_clear_errors():
    with pytest.raises(ValueError, match="unknown probe 'pca'"):
        make_probe("pca")
    with pytest.raises(ValueError, match="bad options for probe 'masc'"):
        make_probe("masc", alpha=3)
    with pytest.raises(ValueError, match="variance must lie"):
        MASCProbe(variance=1.5).fit(np.ones((4, 2)), [0, 1, 0, 1])
    probe = MASCProbe().fit(np.eye(4), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="fitted on 4 features"):
        probe.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match="expected 4 labels"):
        MASCProbe().fit(np.eye(4), [0, 1])


@pytest.mark.parametrize("decay", [0.5, 0.99])  # 0.99: a small gap, many iterations
def test_top_eigenpair_matches_the_full_solver(decay):
    from latentgen.probes import top_eigenpair

    rng = np.random.default_rng(10)
    q = np.linalg.qr(rng.standard_normal((300, 300)))[0]
    spectrum = decay ** np.arange(300)
    S = torch.tensor((q * spectrum) @ q.T)
    value, vector = top_eigenpair(S)
    assert vector.shape == (300, 1) and abs(float(value[0]) - 1.0) < 1e-9
    assert abs(abs(float(vector[:, 0] @ torch.tensor(q[:, 0]))) - 1) < 1e-8
    zero_value, _ = top_eigenpair(torch.zeros(100, 100))
    assert float(zero_value[0]) == 0.0


def test_gram_route_keeps_the_whole_spectrum_for_the_variance_rule():
    # post-ReLU-like float32 features with a dominant mean direction: most eigenvalues lie below
    # λ_1 · eps_float32 · n_c, yet they set k_c and span the subspace
    gen = torch.Generator().manual_seed(0)
    n, d = 1000, 2500  # n < d: the Gram route
    H = torch.relu(torch.randn(n, 60, generator=gen) @ torch.randn(60, d, generator=gen) / 8
                   + 0.1 * torch.randn(n, d, generator=gen) + 1.0)
    y = np.zeros(n, dtype=np.int64)
    gram = MASCProbe(variance=0.99).fit(H, y)
    stats = ClassStatistics(1, d, dtype=torch.float64, device="cpu").update(H.double(), torch.as_tensor(y))
    moment = MASCProbe(variance=0.99, dtype="float64").fit_statistics(stats)
    assert gram.k_[0] > 300 and abs(int(gram.k_[0]) - int(moment.k_[0])) <= 1
    k = min(gram.k_[0], moment.k_[0])
    overlap = np.linalg.norm(gram.components_[0][:k] @ moment.components_[0][:k].T) ** 2 / k
    assert overlap > 0.999


def two_lines(dim=64, seed=11):
    """Training rows on two orthonormal lines v0, v1 (positive multiples), one class each."""
    rng = np.random.default_rng(seed)
    q = np.linalg.qr(rng.standard_normal((dim, dim)))[0]
    if (q[:, :2].sum(0) < 0).any():
        q[:, :2] *= np.sign(q[:, :2].sum(0))
    t = rng.uniform(1, 2, (50, 1))
    H = np.concatenate([t * q[:, 0], t * q[:, 1]])
    return H, np.repeat([0, 1], 50), q


@pytest.mark.parametrize("dim", [64, 1300])  # 1300: the certified scoring's products in three feature blocks
@pytest.mark.parametrize("make", [lambda dtype: MASCProbe(components=1, dtype=dtype),
                                  lambda dtype: LinearProbe(dtype=dtype)], ids=["masc", "linear"])
def test_near_ties_below_float32_rounding_are_decided_as_in_exact_arithmetic(make, dim):
    # h = v0 + (1 + ε) v1 + w (w ⟂ v0, v1): class 1 wins iff ε > 0, by |ε| ~ 1e-10..1e-8, far below
    # what float32 scores resolve; the default rescoring in float64 must decide every row right
    H, y, q = two_lines(dim)
    rng = np.random.default_rng(12)
    eps = rng.choice([-1, 1], 400) * 10 ** rng.uniform(-10, -8, 400)
    w = rng.standard_normal((400, dim - 2)) @ q[:, 2:].T * 0.3
    Ht = q[:, 0] + (1 + eps)[:, None] * q[:, 1] + w
    expected = (eps > 0).astype(np.int64)
    assert np.array_equal(make("float64").fit(H, y).predict(Ht), expected)
    assert (make("float32").fit(H, y).predict(Ht) != expected).any()  # float32 alone cannot


@pytest.mark.parametrize("dim", [20, 1300])  # 1300: products in three feature blocks (see _blocked_products)
@pytest.mark.parametrize("variance", [0.5, 0.8, 0.9])  # 0.9 at dim 20: the complement basis
def test_float32_ranking_is_certain_outside_its_rounding_bound(variance, dim):
    # for every row and pair of classes (a, b): if the float32 scores put a ahead of b by more than
    # the rounding bound allows, exact (float64) scoring of the same fit ranks them the same way
    from latentgen.probes import _SCORE_BLOCK, _close_classes

    assert dim == 20 or dim > 2 * _SCORE_BLOCK
    rng = np.random.default_rng(13)
    H, y, bases = planted(rng, dim=dim, noise=0.3)
    masc = MASCProbe(variance=variance).fit(H, y)
    Ht = np.abs(planted(np.random.default_rng(14), dim=dim, noise=0.3, n=2000, bases=bases)[0])
    Ht[:, :5] = 0
    for probe in (masc, LinearProbe().fit(H, y)):
        for features in (torch.tensor(Ht), torch.tensor(Ht, dtype=torch.float32)):
            fast, bound, shared = probe._float32_scores(features)
            exact = probe._scores(features)
            slack = bound[:, :, None] + bound[:, None, :]
            if shared is not None:
                coef, size = shared
                slack = slack + (coef[:, None] - coef[None, :]).abs() * size[:, :, None]
            ahead = fast[:, :, None] - fast[:, None, :] > slack
            assert ahead.float().mean() > 0.3 and (bound < 1e-3).all()
            assert (exact[:, :, None] - exact[:, None, :])[ahead].min() > 0
            certain = ~_close_classes(fast, bound, shared).any(1)
            assert torch.equal(fast.argmax(1)[certain], exact.argmax(1)[certain])
            assert np.array_equal(probe.predict(features), exact.argmax(1).numpy())  # rescored where uncertain


def test_fewer_components_from_the_same_fit_equal_a_refit():
    rng = np.random.default_rng(15)
    H, y, bases = planted(rng, dim=30, rank=4, noise=0.2)
    full = MASCProbe(variance=0.99).fit(H, y)
    one = full.with_components(1)
    refit = MASCProbe(components=1).fit(H, y)
    assert one.k_.tolist() == refit.k_.tolist() == [1, 1, 1, 1]
    for a, b in zip(one.components_, refit.components_):
        assert abs(abs(float(a[0] @ b[0])) - 1) < 1e-9
    Ht = planted(np.random.default_rng(16), dim=30, rank=4, noise=0.2, n=500, bases=bases)[0]
    assert np.array_equal(one.predict(Ht), refit.predict(Ht))
    with pytest.raises(ValueError, match="components must lie in"):
        full.with_components(int(full.k_.min()) + 1)
