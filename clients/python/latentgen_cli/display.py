"""What the client commands print: a live progress bar while a job runs (plain lines when stderr is
not a terminal), results as aligned tables with the model's accuracy and the best layer
highlighted, and errors. Progress and errors go to stderr, tables and ids to stdout, so that
`MODEL=$(latentgen train DATA --arch mlp -q)` captures the id alone while the bar still shows."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any, Self

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


def _console(stream) -> Console:
    # a pipe or a file gets tables at their natural width (up to 200 columns) rather than rich's 80
    wide = None if stream.isatty() or "COLUMNS" in os.environ else 200
    return Console(file=stream, highlight=False, width=wide)


out = _console(sys.stdout)
err = _console(sys.stderr)

BEST = "bold green"
METRICS = {  # a result row's metric, as a table says it
    "test_acc": "test accuracy",
    "train_acc_noisy": "train, noisy labels",
    "train_acc_true": "train, true labels",
    "flipped_acc_true": "flipped examples, true label",
    "flipped_acc_noisy": "flipped examples, noisy label",
    "unflipped_acc": "unflipped examples",
}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def points(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:+.1f} pts"


# ---------------------------------------------------------------- progress

class JobProgress:
    """Shows a job's status, stage and count each time `latentgen_cli.client.wait` reports a change: a
    rich progress bar on a terminal, else a line per status or stage and per quarter of a stage."""

    def __init__(self):
        self.live = err.is_terminal
        self.bar: Progress | None = None
        self.task = None
        self.last: tuple | None = None

    def __enter__(self) -> Self:
        if self.live:
            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                TextColumn("{task.fields[count]}"), TaskProgressColumn(), TimeElapsedColumn(),
                                console=err)
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, job) -> None:
        p = job.progress
        running = job.status == "running"
        stage = f" · {p.stage}" if p.stage and running else ""
        count = f"{p.current}/{p.total}" if p.total and running else ""
        if self.bar is not None:
            text = f"{job.kind} {job.id[:8]} {job.status}{stage}"
            if self.task is None:
                self.task = self.bar.add_task(text, total=None, count="")
            self.bar.update(self.task, description=text, total=p.total or None, completed=p.current, count=count)
            return
        quarter = 4 * p.current // p.total if p.total else 0
        seen = (job.status, p.stage, quarter)
        if seen != self.last:
            err.print(f"{job.kind} job {job.id}: {job.status}{stage} {count}".rstrip())
            self.last = seen


def detached(job_id: str) -> None:
    err.print(f"\ndetached: job {job_id} goes on (Ctrl-C does not cancel it)\n"
              f"  follow it again: latentgen jobs show {job_id} --wait\n"
              f"  cancel it:       latentgen jobs cancel {job_id}")


def job_ended(job) -> None:
    if job.status == "failed":
        e = job.error
        error(f"{job.kind} job {job.id} failed: {e.code}: {e.message}" if e else f"{job.kind} job {job.id} failed")
    else:
        error(f"{job.kind} job {job.id} was {job.status}")


# ---------------------------------------------------------------- errors and notes

def note(text: str) -> None:
    out.print(text)


def error(text: str) -> None:
    err.print(f"[bold red]error:[/] {escape(text)}", soft_wrap=True)


def api_error(e) -> None:
    """The server's ErrorBody: its message, then every detail it gave (field, errors, unknown, …)."""
    body = e.error.to_dict() if e.error is not None else {}
    error(str(e))
    for name, value in body.items():
        if name in ("code", "message") or value is None:
            continue
        if name == "errors":
            for item in value:
                err.print(escape(f"  - {item.get('field') or '(body)'}: {item['message']}"), soft_wrap=True)
        else:
            err.print(escape(f"  {name}: {value if isinstance(value, str) else json.dumps(value)}"), soft_wrap=True)


# ---------------------------------------------------------------- records

def _details(title: str, record: dict, fields: list[tuple[str, Callable[[dict], Any]]]) -> None:
    out.print(f"[bold]{escape(title)}[/]")
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for name, get in fields:
        value = get(record)
        if value not in (None, ""):
            table.add_row(name, escape(str(value)))
    out.print(table)


def _arch(a: dict) -> str:
    graft = f" cut at {a['cut']}, {a['head']} head" if a.get("cut") else ""
    return f"{a['name']} {'×'.join(map(str, a['input_shape']))} → {a['num_classes']}{graft}"


def _labels(d: dict) -> str:
    labels = d["labels"]
    if labels["kind"] == "corruption":
        noise = labels.get("noise") or "uniform"
        if noise == "transition":
            return f"transition {len(labels['matrix'])}×{len(labels['matrix'])} seed {labels['seed']}"
        named = "corruption" if noise == "uniform" else noise
        return f"{named} p={labels['p']}{_class_map_text(labels.get('class_map'))} seed {labels['seed']}"
    if labels["kind"] == "cleaned":
        return f"cleaned ({labels['mode']}, {labels['n_changed']} changed)"
    return f"uploaded ({labels['sha256'][:12]}…)"


def _class_map_text(class_map) -> str:
    if class_map is None:
        return ""
    return f" ({class_map if isinstance(class_map, str) else ','.join(f'{a}:{b}' for a, b in class_map)})"


def _noise(d: dict) -> str | None:
    """The corruption in words, with its rate: drawn at upload, else expected."""
    labels = d["labels"]
    if labels["kind"] != "corruption" or not labels.get("description"):
        return None
    realised = labels.get("realised")
    rate = (f"{100 * realised['rate']:.1f}% of the labels changed" if realised
            else f"about {100 * labels['expected_rate']:.1f}% of the labels change" if labels.get("expected_rate") is not None
            else "")
    return labels["description"] + (f"; {rate}" if rate else "")


def _sizes(d: dict) -> str:
    info = d.get("info") or {}
    if info.get("n_train") is None:
        return ""
    return f"{info['n_train']} train / {info['n_test']} test"


def _progress(j: dict) -> str:
    p = j["progress"]
    return " ".join(x for x in (p.get("stage") or "", f"{p['current']}/{p['total']}" if p["total"] else "") if x)


MODEL_COLUMNS = [("id", lambda m: m["id"]), ("name", lambda m: m.get("name")), ("arch", lambda m: _arch(m["arch"])),
                 ("format", lambda m: m["format"]), ("parameters", lambda m: f"{m['num_parameters']:,}"),
                 ("final layer", lambda m: m.get("final_layer") or "none (probe only)"),
                 ("created", lambda m: m["created_at"][:19])]
DATASET_COLUMNS = [("id", lambda d: d["id"]), ("name", lambda d: d.get("name")), ("source", lambda d: d["source"]),
                   ("labels", _labels), ("size", _sizes), ("created", lambda d: d["created_at"][:19])]
JOB_COLUMNS = [("id", lambda j: j["id"]), ("kind", lambda j: j["kind"]), ("status", lambda j: j["status"]),
               ("progress", _progress), ("created", lambda j: j["created_at"][:19])]


def _given(value):
    """`value` without its unset (null) options."""
    if isinstance(value, dict):
        return {k: _given(v) for k, v in value.items() if v is not None}
    return value


def model_detail(model) -> None:
    _details(f"model {model.id}", model.to_dict(), MODEL_COLUMNS[1:] + [
        ("sha256", lambda m: m["sha256"]), ("unwrapped", lambda m: "; ".join(m.get("unwrapped") or []))])


def dataset_detail(dataset) -> None:
    _details(f"data set {dataset.id}", dataset.to_dict(), DATASET_COLUMNS[1:] + [
        ("label noise", _noise), ("inputs", lambda d: ((d.get("info") or {}).get("preprocessing") or {}).get("description"))])


def job_detail(job) -> None:
    j = job.to_dict()
    error_text = f"{j['error']['code']}: {j['error']['message']}" if j.get("error") else None
    _details(f"{j['kind']} job {j['id']}", j, JOB_COLUMNS[1:3] + [
        ("progress", _progress), ("model", lambda j: j.get("model_id")), ("data set", lambda j: j.get("dataset_id")),
        ("source job", lambda j: j.get("source_job_id")), ("output model", lambda j: j.get("output_model_id")),
        ("error", lambda _: error_text), ("params", lambda j: json.dumps(_given(j["params"]))),
        ("attempts", lambda j: j["attempts"]), ("created", lambda j: j["created_at"][:19]),
        ("finished", lambda j: (j.get("finished_at") or "")[:19])])


def listing(page, columns, ids_only: bool) -> None:
    items = [item.to_dict() for item in page.items]
    if ids_only:
        for item in items:
            out.print(item["id"])
        return
    table = Table(caption=f"{len(items)} of {page.total}" + (f" from {page.offset}" if page.offset else ""))
    for name, _ in columns:
        table.add_column(name, no_wrap=name == "id")
    for item in items:
        table.add_row(*(escape(str(get(item) or "")) for _, get in columns))
    out.print(table)


# ---------------------------------------------------------------- results

class Shown:
    """A result as printed: a heading, its tables, and lines under them (`warning` in yellow)."""

    def __init__(self, heading: str, tables: list[Table], footer: list[str], warning: str | None = None):
        self.heading, self.tables, self.footer, self.warning = heading, tables, footer, warning


def _data_line(data: dict) -> str:
    return (f"{data['n_train']} train / {data['n_test']} test examples, {data['num_classes']} classes, "
            f"{data['flip_rate']:.0%} of the training labels wrong"
            + (f"; inputs {data['preprocessing']}" if data.get("preprocessing") else ""))


def _validation_line(v: dict | None) -> list[str]:
    if not v:
        return []
    where = {"held-out data": f"the {v['n_val']} examples of data set {v.get('dataset_id')} (never trained on)",
             "indices": f"{v['n_val']} training examples held out of training"}.get(
        v.get("source"), f"a split of {v['n_val']} training examples and their noisy labels")
    rule = (f" by the noise-ceiling rule (a probe agreeing with the noisy labels beyond an estimated "
            f"{pct(v.get('noise_ceiling'))} has memorized them)" if v.get("rule") == "noise ceiling" else "")
    return [f"choices made on {where}{rule}; test accuracy only reported"]


def _choice(c: dict) -> str:
    return f"{c['probe']} at {c['layer']}: validation {pct(c.get('val_acc'))}, test {pct(c.get('test_acc'))}"


def _probe(r: dict) -> Shown:
    s = r["summary"]
    acc = {(row["layer"], row["probe"]): row["value"] for row in r["rows"] if row["metric"] == "test_acc"}
    layers = list(dict.fromkeys(layer for layer, probe in acc if probe != "model"))
    probes = list(dict.fromkeys(probe for _, probe in acc if probe != "model"))
    model, best, oracle = s.get("model_test_acc"), s.get("best"), s.get("oracle")
    table = Table()
    table.add_column("layer")
    for probe in probes:
        table.add_column(probe, justify="right")
    table.add_column("best vs model", justify="right")
    table.add_column("")
    for layer in layers:
        values = [acc.get((layer, probe)) for probe in probes]
        top = max((v for v in values if v is not None), default=None)
        is_best = best is not None and best["layer"] == layer
        cells = [f"[{BEST}]{pct(v)}[/]" if is_best and probe == best["probe"] else pct(v)
                 for v, probe in zip(values, probes)]
        gain = points(top - model) if top is not None and model is not None else "—"
        name = escape(layer)
        table.add_row(f"[{BEST}]{name}[/]" if is_best else name, *cells, gain,
                      f"[{BEST}]◀ best: {best['probe']}[/]" if is_best else "")
    footer = [f"best, chosen on the validation examples: {_choice(best)}" if best else "no probe scored"]
    if oracle and best and (oracle["layer"], oracle["probe"]) != (best["layer"], best["probe"]):
        footer.append(f"the test set would have chosen {_choice(oracle)}")
    footer += _validation_line(s.get("validation")) + [_data_line(s["data"])]
    return Shown(f"[bold]Test accuracy per layer[/] of probes fitted on the noisy training labels; "
                 f"the model itself: [bold]{pct(model)}[/]", [table], footer,
                 (s.get("validation") or {}).get("warning"))


def _repair(r: dict) -> Shown:
    s = r["summary"]
    by_tag: dict[str, dict[str, float | None]] = {}
    for row in r["rows"]:
        by_tag.setdefault(row["probe"], {})[row["metric"]] = row["value"]
    before, after = by_tag.get("model", {}), by_tag.get("repaired", {})
    rep = s["repair"]
    table = Table()
    for name in ("", "model", "repaired", "change"):
        table.add_column(name, justify="right" if name else "left")
    for metric in dict.fromkeys([*before, *after]):
        b, a = before.get(metric), after.get(metric)
        change = points(a - b) if a is not None and b is not None else "—"
        table.add_row(METRICS.get(metric, metric), pct(b), pct(a), change,
                      style=BEST if metric == "test_acc" else None)
    return Shown(f"[bold]Repair[/] of layer {escape(rep['layer'])} ({rep['in_features']} → {rep['out_features']}, "
                 f"bias {rep['bias']}): test accuracy {pct(s.get('model_test_acc'))} → "
                 f"[{BEST}]{pct(s.get('repaired_test_acc'))}[/]", [table],
                 [_data_line(s["data"]), f"repaired model: {s['output_model_id']}"])


def _train(r: dict) -> Shown:
    s = r["summary"]
    metrics = ["train_acc_noisy", "train_acc_true", "flipped_acc_true", "test_acc"]
    table = Table()
    table.add_column("epoch", justify="right")
    table.add_column("loss", justify="right")
    for m in metrics:
        table.add_column(METRICS[m], justify="right")
    for row in r["rows"]:
        loss = "—" if row.get("loss") is None else f"{row['loss']:.4f}"
        table.add_row(str(row["epoch"]), loss, *(pct(row.get(m)) for m in metrics))
    held_out = s.get("validation")
    footer = [f"{held_out['n_val']} training examples held out of training, for later choices"] if held_out else []
    return Shown(f"[bold]Training[/] {_arch(s['arch'])} with recipe {s['recipe']}: {s['epochs_run']} epochs "
                 f"(stopped: {s['stopped_reason']})", [table],
                 footer + [_data_line(s["data"]), f"trained model: {s['output_model_id']}"])


def _dynamics(r: dict) -> Shown:
    s = r["summary"]
    peaks = s["peaks"]
    top = max((p["peak_value"] for p in peaks if p.get("peak_value") is not None), default=None)
    table = Table()
    for name in ("layer", "probe", "peak epoch", "validation", "test at peak", "test at the end", "oracle epoch"):
        table.add_column(name, justify="left" if name in ("layer", "probe") else "right")
    for p in peaks:
        table.add_row(escape(p["layer"]), p["probe"], str(p["peak_epoch"]), pct(p.get("val_acc")),
                      pct(p.get("peak_value")), pct(p.get("final_value")), str(p.get("oracle_epoch") or "—"),
                      style=BEST if top is not None and p.get("peak_value") == top else None)
    return Shown(f"[bold]Peak epochs[/] over {len(s['epochs'])} checkpoints", [table],
                 _validation_line(s.get("validation")) + [_data_line(s["data"])],
                 (s.get("validation") or {}).get("warning"))


def _midway(r: dict) -> Shown:
    s = r["summary"]
    metrics = ["test_acc", "train_acc_noisy", "train_acc_true", "flipped_acc_true"]
    table = Table()
    table.add_column("arm")
    table.add_column("epoch", justify="right")
    for m in metrics:
        table.add_column(METRICS[m], justify="right")
    for arm, final in s["final"].items():
        if final:
            table.add_row(arm, str(final["epoch"]), *(pct(final.get(m)) for m in metrics),
                          style=BEST if arm == "repaired" else None)
    return Shown(f"[bold]Midway[/]: repaired at epoch {s['edit_epoch']}, trained on to {s['total_epochs']}; "
                 "each arm's last epoch", [table], [_data_line(s["data"])])


SUSPECTS = 10  # the audit's most suspicious examples shown


def _audit(r: dict) -> Shown:
    s = r["summary"]
    tables = []
    if s.get("detection"):
        d = s["detection"]
        table = Table(title=f"against the truly flipped labels ({d['true_noise_rate']:.0%})", title_justify="left")
        for name in ("", "flagged", "precision", "recall", "F1", "AUROC"):
            table.add_column(name, justify="right" if name else "left")
        for name, det in (("audit", d["audit"]), ("the model's own predictions", d["model"])):
            table.add_row(name, str(det["n_flagged"]), *(f"{det[k]:.2f}" if det.get(k) is not None else "—"
                                                         for k in ("precision", "recall", "f1", "auroc")),
                          style=BEST if name == "audit" else None)
        tables.append(table)
    flagged = sorted((row for row in r["rows"] if row["flagged"]), key=lambda row: -row["score"])[:SUSPECTS]
    if flagged:
        table = Table(title=f"the {len(flagged)} most suspicious labels", title_justify="left")
        known = any(row.get("true_label") is not None for row in flagged)
        for name in ("example", "given", "suggested", "score", *(["true label"] if known else [])):
            table.add_column(name, justify="right")
        for row in flagged:
            truth = [str(row["true_label"])] if known else []
            table.add_row(str(row["index"]), str(row["given"]), str(row["suggested"]), f"{row['score']:.3f}", *truth)
        tables.append(table)
    footer = [(f"scored by {s['probe']} at {s['layer']} ({s['folds']} folds, chosen by {s['chosen_by']}): "
               f"validation {pct(s.get('val_acc'))}, test {pct(s.get('test_acc'))}")]
    footer += _validation_line(s.get("validation")) + [_data_line(s["data"])]
    if s.get("cleaned_dataset_id"):
        footer.append(f"cleaned data set: {s['cleaned_dataset_id']}")
    return Shown(f"[bold]Audit[/] of the training labels: [{BEST}]{s['n_flagged']}[/] of {s['n']} flagged "
                 f"(estimated noise rate {s['estimated_noise_rate']:.0%})", tables, footer,
                 (s.get("validation") or {}).get("warning"))


def _graft(r: dict) -> Shown:
    s = r["summary"]
    table = Table()
    for name in ("", "layer", "head", "validation", "test"):
        table.add_column(name, justify="right" if name in ("validation", "test") else "left")
    m = s["model"]
    table.add_row("the model itself", "", "", pct(m.get("val_acc")), pct(m.get("test_acc")))
    if s.get("last_layer_repair"):
        lr = s["last_layer_repair"]
        table.add_row("last-layer repair", escape(lr["layer"]), lr["head"], pct(lr.get("val_acc")), pct(lr.get("test_acc")))
    table.add_row("graft", escape(s["layer"]), s["head"], pct(s.get("val_acc")), pct(s.get("test_acc")), style=BEST)
    if s.get("oracle"):
        o = s["oracle"]
        table.add_row("the test set's choice", escape(o["layer"]), o["probe"], pct(o.get("val_acc")),
                      pct(o.get("test_acc")), style="dim")
    return Shown(f"[bold]Graft[/]: the network up to {escape(s['layer'])} with a {s['head']} head (chosen by "
                 f"{s['chosen_by']}): test accuracy {pct(s.get('model_test_acc'))} → [{BEST}]{pct(s.get('test_acc'))}[/]",
                 [table], _validation_line(s.get("validation")) + [_data_line(s["data"]),
                                                                   f"grafted model: {s['output_model_id']}"],
                 (s.get("validation") or {}).get("warning"))


def _rows(r: dict) -> Shown:
    """Any other kind: its columns and rows as they are."""
    table = Table()
    for c in r["columns"]:
        table.add_column(c)
    for row in r["rows"]:
        table.add_row(*("" if row.get(c) is None else escape(str(row.get(c))) for c in r["columns"]))
    return Shown(f"[bold]{r['kind']}[/] job {r['job_id']}", [table], [])


RESULT_TABLES: dict[str, Callable[[dict], Shown]] = {
    "probe": _probe, "repair": _repair, "train": _train, "dynamics": _dynamics, "midway": _midway,
    "audit": _audit, "graft": _graft}


def result(r: dict) -> None:
    """A job's result (the generated client's, as a dict) as tables."""
    shown = RESULT_TABLES.get(r["kind"], _rows)(r)
    out.print(shown.heading, soft_wrap=True)
    for table in shown.tables:
        out.print(table)
    for line in shown.footer:
        out.print(escape(line), style="dim", soft_wrap=True)
    if shown.warning:
        out.print(f"[yellow]warning:[/] {escape(shown.warning)}", soft_wrap=True)
