"""ONNX models and the user's own checkpoints through the API (Postgres, Redis, a real worker, S3):
upload, probe and repair against the torch path on the same weights, every refusal leaving nothing
behind, a probe-only graph, and dynamics over uploaded checkpoints."""

from __future__ import annotations

import io
import json

import numpy as np
import onnx
import pytest
import torch
from onnx import TensorProto, helper
from sqlalchemy import func, select

from service.models import Model
from svc_helpers import upload_dataset, wait_job
from tests.core.test_onnx import ResidualNet, export_onnx
from tests.core.test_onnx_graphs import hand_model

DIGITS = [1, 8, 8]


def _upload(client, headers, data: bytes, arch: dict | None = None, filename: str = "model.onnx"):
    files = {"weights": (filename, io.BytesIO(data))}
    if arch is not None:
        files["arch"] = (None, json.dumps(arch))
    return client.post("/v1/models", headers=headers, files=files)


def _left_behind(stack, app) -> tuple[int, int, int]:
    """Model rows, stored blobs and staged files."""
    with stack.sessionmaker() as db:
        rows = db.scalar(select(func.count()).select_from(Model))
    listing = app.state.storage.client.list_objects_v2(Bucket=stack.settings.s3_bucket)
    staged = list(stack.settings.staging_dir.rglob("upload-*")) if stack.settings.staging_dir.is_dir() else []
    return rows, listing.get("KeyCount", 0), len(staged)


@pytest.fixture(scope="module")
def digits_set(client, alice):
    r = upload_dataset(client, alice, None, {"source": "digits", "labels": {"p": 0.4, "seed": 0}})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The paper's MLP and a network none of our builders has, trained briefly on noisy digits, as
    torch weights and as ONNX exports of the same weights."""
    from safetensors.torch import save_file

    from latentgen.corruption import corrupt_labels
    from latentgen.data import load_digits
    from latentgen.models import build_model
    from latentgen.train import Recipe, train

    splits = load_digits()
    labels = corrupt_labels(splits.y_train, 0.4, 10, seed=0)
    out = tmp_path_factory.mktemp("onnx")
    models = {}
    for name in ("mlp", "residual"):
        torch.manual_seed(0)
        net = ResidualNet() if name == "residual" else build_model("mlp", DIGITS, 10)
        train(net, splits, labels, Recipe("adam", 3e-3, batch_size=64), max_epochs=3, target_train_acc=None,
              device="cpu")
        net.eval()
        export_onnx(net, DIGITS, out / f"{name}.onnx", dynamo=name == "residual")
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(out / f"{name}.safetensors"))
        models[name] = {"onnx": (out / f"{name}.onnx").read_bytes(),
                        "safetensors": (out / f"{name}.safetensors").read_bytes()}
    return splits, models


def _accuracies(client, headers, job_id) -> dict:
    rows = client.get(f"/v1/jobs/{job_id}/result", headers=headers).json()["rows"]
    return {(r["layer"], r["probe"]): r["value"] for r in rows if r["metric"] == "test_acc"}


@pytest.mark.timeout(900)
def test_onnx_upload_probe_and_repair_match_the_torch_path(client, alice, digits_set, trained, tmp_path):
    import onnxruntime as ort
    from safetensors.torch import load_file

    from latentgen.models import build_model

    splits, models = trained
    n_test = len(splits.x_test)
    torch_model = _upload(client, alice, models["mlp"]["safetensors"],
                          {"name": "mlp", "input_shape": DIGITS, "num_classes": 10}, "mlp.safetensors").json()
    r = _upload(client, alice, models["mlp"]["onnx"])
    assert r.status_code == 201, r.text
    onnx_model = r.json()
    # the architecture comes from the graph
    assert onnx_model["format"] == "onnx" and onnx_model["arch"] == {"name": "onnx", "input_shape": DIGITS,
                                                                      "num_classes": 10}
    assert onnx_model["final_layer"] is not None
    assert onnx_model["num_parameters"] == torch_model["num_parameters"]
    assert client.get(f"/v1/models/{onnx_model['id']}/weights", headers=alice).content == models["mlp"]["onnx"]

    jobs = {}
    for tag, m in (("torch", torch_model), ("onnx", onnx_model)):
        for kind in ("probe", "repair"):
            r = client.post("/v1/jobs", headers=alice, json={"kind": kind, "model_id": m["id"],
                                                             "dataset_id": digits_set["id"]})
            assert r.status_code == 202, r.text
            jobs[tag, kind] = r.json()["id"]
    done = {key: wait_job(client, alice, job_id) for key, job_id in jobs.items()}
    assert all(j["status"] == "succeeded" for j in done.values()), done

    # MASC and linear probes read the same accuracies at the same depths (up to a near-tied test example)
    acc_t, acc_o = _accuracies(client, alice, jobs["torch", "probe"]), _accuracies(client, alice, jobs["onnx", "probe"])
    assert acc_t[("model", "model")] == acc_o[("model", "model")]
    for probe in ("masc", "linear"):
        t = [v for (layer, p), v in sorted(acc_t.items()) if p == probe]
        o = [v for (layer, p), v in sorted(acc_o.items()) if p == probe]
        assert len(t) == len(o) and max(abs(a - b) for a, b in zip(sorted(t), sorted(o))) <= 1 / n_test

    # the repaired ONNX file runs in onnxruntime and predicts what the repaired torch model predicts
    repaired = {}
    for tag in ("torch", "onnx"):
        out_id = done[tag, "repair"]["output_model_id"]
        meta = client.get(f"/v1/models/{out_id}", headers=alice).json()
        assert meta["format"] == ("onnx" if tag == "onnx" else "safetensors")
        repaired[tag] = client.get(f"/v1/models/{out_id}/weights", headers=alice).content
    (tmp_path / "repaired.onnx").write_bytes(repaired["onnx"])
    onnx.checker.check_model(str(tmp_path / "repaired.onnx"), full_check=True)
    session = ort.InferenceSession(str(tmp_path / "repaired.onnx"), providers=["CPUExecutionProvider"])
    x = splits.x_test.numpy()
    pred_onnx = session.run(None, {session.get_inputs()[0].name: x})[0].argmax(1)
    (tmp_path / "repaired.safetensors").write_bytes(repaired["torch"])
    net = build_model("mlp", DIGITS, 10)
    net.load_state_dict(load_file(str(tmp_path / "repaired.safetensors")))
    with torch.no_grad():
        pred_torch = net.eval()(splits.x_test).argmax(1).numpy()
    assert (pred_onnx == pred_torch).mean() >= 0.999


@pytest.mark.timeout(600)
def test_a_network_none_of_our_builders_has_is_probed_and_repaired(client, alice, digits_set, trained):
    _splits, models = trained
    r = _upload(client, alice, models["residual"]["onnx"], filename="residual.onnx")
    assert r.status_code == 201, r.text
    model = r.json()
    layers = client.get(f"/v1/models/{model['id']}/layers", headers=alice).json()
    assert any(l["type"] == "BatchNormalization" for l in layers) or any(l["type"] == "Relu" for l in layers)
    ids = [client.post("/v1/jobs", headers=alice, json={"kind": kind, "model_id": model["id"],
                                                        "dataset_id": digits_set["id"]}).json()["id"]
           for kind in ("probe", "repair")]
    for job_id in ids:
        job = wait_job(client, alice, job_id)
        assert job["status"] == "succeeded", job
    summary = client.get(f"/v1/jobs/{ids[1]}/result", headers=alice).json()["summary"]
    assert summary["gain"] == pytest.approx(summary["repaired_test_acc"] - summary["model_test_acc"])


def test_a_model_is_scored_on_the_inputs_its_data_set_states(client, alice, trained, tmp_path):
    """The MLP learned digits as (x / 16 − 0.5) / 0.5. Stored as their raw values 0..16, the images
    reach it as it was trained only when the data set states mean 8 and std 8; unstated, raw floats
    go in as they are (never rescaled on a guess), and the model scores what it scores on them."""
    from safetensors.torch import load

    from latentgen.models import build_model

    splits, models = trained
    raw = {k: np.rint((getattr(splits, k).numpy() * 0.5 + 0.5) * 16).astype(np.float32) for k in ("x_train", "x_test")}
    np.savez(tmp_path / "raw.npz", x_train=raw["x_train"], y_train=splits.y_train.numpy(),
             x_test=raw["x_test"], y_test=splits.y_test.numpy())
    net = build_model("mlp", DIGITS, 10)
    net.load_state_dict(load(models["mlp"]["safetensors"]))
    with torch.no_grad():
        def local_acc(x):
            return int((net(torch.from_numpy(x)).argmax(1) == splits.y_test).sum()) / len(splits.y_test)
        trained_on, as_stored = local_acc(splits.x_test.numpy()), local_acc(raw["x_test"])
    assert trained_on != as_stored  # the scale matters to this model

    model = _upload(client, alice, models["mlp"]["safetensors"],
                    {"name": "mlp", "input_shape": DIGITS, "num_classes": 10}, "mlp.safetensors").json()
    for preprocessing, expected, words in (({"mean": [8], "std": [8]}, trained_on, "(x − 8) / 8 per channel"),
                                           (None, as_stored, "the stored values as they are")):
        spec = {"labels": {"p": 0.4, "seed": 0}, **({"preprocessing": preprocessing} if preprocessing else {})}
        data = upload_dataset(client, alice, tmp_path / "raw.npz", spec).json()
        job = wait_job(client, alice, client.post("/v1/jobs", headers=alice, json={
            "kind": "probe", "model_id": model["id"], "dataset_id": data["id"],
            "params": {"layers": ["fc4"], "probes": ["linear"]}}).json()["id"])
        assert job["status"] == "succeeded", job
        result = client.get(f"/v1/jobs/{job['id']}/result", headers=alice).json()
        assert _accuracies(client, alice, job["id"])[("model", "model")] == pytest.approx(expected, abs=1e-9)
        assert result["summary"]["data"]["preprocessing"] == words
        report = client.get(f"/v1/jobs/{job['id']}/report", headers=alice).text
        assert words in report


def _external(location: str) -> bytes:
    model = hand_model()
    tensor = model.graph.initializer[0]
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    tensor.external_data.add(key="location", value=location)
    return model.SerializeToString()


def _two_inputs() -> bytes:
    model = hand_model()
    model.graph.input.append(helper.make_tensor_value_info("extra", TensorProto.FLOAT, ["batch", 4]))
    return model.SerializeToString()


def _custom_domain() -> bytes:
    model = hand_model(tail=[helper.make_node("Evil", ["y0"], ["logits"], name="evil", domain="com.example")])
    model.opset_import.append(helper.make_opsetid("com.example", 1))
    return model.SerializeToString()


def _checker_failure() -> bytes:
    from onnx import numpy_helper

    model = hand_model()
    model.graph.initializer[1].CopyFrom(numpy_helper.from_array(np.ones((5, 3), np.float32), "W2"))
    return model.SerializeToString()


REFUSALS = [
    ("not ONNX, no arch", lambda: b"plain text, not a model", "missing_arch", "arch", "torch weights need their architecture"),
    ("checker", _checker_failure, "onnx_check_failed", "weights", "onnx.checker (full check) refused"),
    ("external data", lambda: _external("../../etc/passwd"), "onnx_external_data", "weights", "'../../etc/passwd'"),
    ("custom domain", _custom_domain, "onnx_operator_domain", "weights", "com.example::Evil"),
    ("old opset", lambda: hand_model(opset=7).SerializeToString(), "onnx_opset", "weights", "outside the supported range"),
    ("no batch dimension", lambda: hand_model(input_dims=(1, 4)).SerializeToString(), "onnx_batch_dim", "weights",
     "has no batch dimension"),
    ("two inputs", _two_inputs, "onnx_io", "weights", "2 inputs (x, extra)"),
]


@pytest.mark.parametrize("case", REFUSALS, ids=[c[0] for c in REFUSALS])
def test_refused_onnx_uploads_leave_nothing_behind(client, alice, stack, app, case):
    _name, make, code, field, message = case
    before = _left_behind(stack, app)
    r = _upload(client, alice, make())
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["field"] == field and message in error["message"], error
    assert _left_behind(stack, app) == before


def test_a_graph_without_final_linear_layer_is_probe_only_and_says_why(client, alice, tmp_path):
    probe_only = hand_model(tail=[helper.make_node("Relu", ["y0"], ["logits"], name="last_relu")])
    r = _upload(client, alice, probe_only.SerializeToString(), filename="relu.onnx")
    assert r.status_code == 201, r.text
    model = r.json()
    assert model["final_layer"] is None and model["arch"] == {"name": "onnx", "input_shape": [4], "num_classes": 3}
    assert "Relu node 'last_relu'" in model["final_layer_problem"]
    assert client.get(f"/v1/models/{model['id']}", headers=alice).json()["final_layer_problem"] == model["final_layer_problem"]
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "four.npz", x_train=rng.standard_normal((60, 4)).astype(np.float32),
             y_train=np.arange(60) % 3, x_test=rng.standard_normal((30, 4)).astype(np.float32), y_test=np.arange(30) % 3)
    data = upload_dataset(client, alice, tmp_path / "four.npz", {"labels": {"p": 0.0, "seed": 0}}).json()
    body = {"model_id": model["id"], "dataset_id": data["id"]}
    r = client.post("/v1/jobs", headers=alice, json={"kind": "repair", **body})
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_final_linear", r.text
    assert r.json()["error"]["field"] == "model_id" and "can still be probed" in r.json()["error"]["message"]
    assert "Relu node 'last_relu'" in r.json()["error"]["message"]
    job = wait_job(client, alice, client.post("/v1/jobs", headers=alice, json={"kind": "probe", **body}).json()["id"])
    assert job["status"] == "succeeded", job


@pytest.mark.timeout(900)
def test_dynamics_over_uploaded_checkpoints_equals_the_train_jobs(client, alice, digits_set, tmp_path):
    from safetensors.torch import load_file, save_file

    r = client.post("/v1/jobs", headers=alice, json={"kind": "train", "dataset_id": digits_set["id"], "params": {
        "arch": {"name": "mlp"}, "recipe": "adam_fast", "max_epochs": 3, "checkpoint_epochs": [1, 2, 3]}})
    train = wait_job(client, alice, r.json()["id"])
    assert train["status"] == "succeeded", train
    params = {"layers": ["fc1", "fc2"], "probes": ["masc", "linear"]}
    by_job = wait_job(client, alice, client.post("/v1/jobs", headers=alice, json={
        "kind": "dynamics", "train_job_id": train["id"], "params": params}).json()["id"])
    assert by_job["status"] == "succeeded", by_job

    # the same checkpoints, uploaded as the user's own models, each with its epoch
    artifacts = client.get(f"/v1/jobs/{train['id']}/result", headers=alice).json()["artifacts"]
    ck = next(a for a in artifacts if a["kind"] == "checkpoints")
    (tmp_path / "ck.safetensors").write_bytes(client.get(f"/v1/artifacts/{ck['id']}", headers=alice).content)
    flat = load_file(str(tmp_path / "ck.safetensors"))
    checkpoints = []
    for epoch in (1, 2, 3):
        state = {k.split("/", 1)[1]: v for k, v in flat.items() if k.startswith(f"epoch_{epoch:05d}/")}
        save_file(state, str(tmp_path / f"e{epoch}.safetensors"))
        m = _upload(client, alice, (tmp_path / f"e{epoch}.safetensors").read_bytes(),
                    {"name": "mlp", "input_shape": DIGITS, "num_classes": 10}, f"e{epoch}.safetensors").json()
        checkpoints.append({"model_id": m["id"], "epoch": epoch})
    r = client.post("/v1/jobs", headers=alice, json={"kind": "dynamics", "dataset_id": digits_set["id"],
                                                     "params": {**params, "checkpoints": checkpoints}})
    assert r.status_code == 202, r.text
    by_models = wait_job(client, alice, r.json()["id"])
    assert by_models["status"] == "succeeded", by_models
    rows_job = client.get(f"/v1/jobs/{by_job['id']}/result", headers=alice).json()["rows"]
    rows_models = client.get(f"/v1/jobs/{by_models['id']}/result", headers=alice).json()["rows"]
    assert rows_models == rows_job

    # checkpoints of different architectures are refused up front
    other = _upload(client, alice, hand_model().SerializeToString(), filename="hand.onnx").json()
    r = client.post("/v1/jobs", headers=alice, json={"kind": "dynamics", "dataset_id": digits_set["id"], "params": {
        "checkpoints": [checkpoints[0], {"model_id": other["id"], "epoch": 9}]}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "params.checkpoints.1.model_id"


def test_a_probe_of_a_model_with_no_default_layer_is_refused_at_creation(client, alice, digits_set, tmp_path):
    """A graph with no hidden block (flatten, then the head) has no layer probed by default: a job
    naming none would probe nothing, so it is refused, and naming a layer works."""
    export_onnx(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10)), (1, 8, 8), tmp_path / "lin.onnx")
    r = _upload(client, alice, (tmp_path / "lin.onnx").read_bytes())
    assert r.status_code == 201, r.text
    model = r.json()
    layers = client.get(f"/v1/models/{model['id']}/layers", headers=alice).json()
    assert [layer["default"] for layer in layers] == [False, False], layers
    body = {"kind": "probe", "model_id": model["id"], "dataset_id": digits_set["id"]}
    r = client.post("/v1/jobs", headers=alice, json=body)
    assert r.status_code == 422, r.text
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("no_default_layers", "params.layers")
    r = client.post("/v1/jobs", headers=alice, json=body | {"params": {"layers": [layers[0]["name"]]}})
    assert r.status_code == 202, r.text
