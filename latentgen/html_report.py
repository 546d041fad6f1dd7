"""A job as one self-contained HTML page: figures inline as PNG data URLs, styles inline, no
script, no font or other file to fetch (its Content-Security-Policy forbids any), so it opens
offline, from a file, an e-mail or the API alike.

`render_report(job, extras)` draws the header (what ran, on what, when) and then the sections of
the job's kind: a renderer `fn(job, extras) -> list[Section]` registered with `@sections_for(kind)`
in `SECTIONS`. A kind without one (or whose renderer fails) gets its summary and its table.
Renderers build on `figure_html`, `table_html` and `facts_html`.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from latentgen import plots

log = logging.getLogger(__name__)

# what the page may load: its own inline styles and data: images, nothing else
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
MAX_TABLE_ROWS = 2000


@dataclass
class Section:
    title: str
    body: str  # HTML


Renderer = Callable[[dict, dict], list[Section]]
SECTIONS: dict[str, Renderer] = {}


def sections_for(kind: str) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        SECTIONS[kind] = fn
        return fn

    return register


# ---------------------------------------------------------------- building blocks

def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def percent(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def points(value: float | None) -> str:
    """A difference of accuracies, in percentage points, signed."""
    return "–" if value is None else f"{100 * value:+.1f} pt"


def is_accuracy(key: str) -> bool:
    return key in plots.METRIC_LABELS or key.endswith("_acc")


def row_cell(row: Mapping[str, Any], key: str) -> str:
    """`row[key]` as shown in a table; a tidy row's `value` is shown as its `metric` is."""
    return cell(str(row.get("metric", key)) if key == "value" else key, row.get(key))


def cell(key: str, value: Any) -> str:
    """A value as shown in a table: accuracies in percent, other floats to 4 significant digits."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return esc(value if not isinstance(value, (list, dict)) else _compact(value))
    if isinstance(value, float):
        return percent(value) if is_accuracy(key) else f"{value:.4g}"
    return str(value)


def _compact(value: Any) -> str:
    import json

    text = json.dumps(value, separators=(", ", ": "))
    return text if len(text) <= 200 else text[:197] + "…"


def figure_html(figure, alt: str, caption: str | None = None) -> str:
    """A matplotlib figure as an inline PNG, with its text alternative; drawn at 1.5 × its shown
    size, so it stays sharp on high-density screens and when printed."""
    buffer = io.BytesIO()
    dpi = figure.get_dpi()
    figure.savefig(buffer, format="png", dpi=1.5 * dpi)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    width, height = (round(v * dpi) for v in figure.get_size_inches())
    caption_html = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (f'<figure><img src="data:image/png;base64,{data}" width="{width}" height="{height}" alt="{esc(alt)}">'
            f"{caption_html}</figure>")


def table_html(columns: Sequence[tuple[str, str]], rows: Iterable[Mapping[str, Any]],
               highlight: Callable[[Mapping[str, Any], str], bool] | None = None, caption: str | None = None) -> str:
    """A table of `rows` with the given (key, heading) columns; cells where `highlight(row, key)`
    holds are emphasised. Long tables are cut at MAX_TABLE_ROWS (the CSV artifact has them all)."""
    rows = list(rows)
    head = "".join(f'<th scope="col">{esc(heading)}</th>' for _, heading in columns)
    body = []
    for row in rows[:MAX_TABLE_ROWS]:
        cells = []
        for key, _ in columns:
            text = row_cell(row, key)
            numeric = isinstance(row.get(key), (int, float)) and not isinstance(row.get(key), bool)
            cls = " ".join(c for c in ("num" if numeric else "", "best" if highlight and highlight(row, key) else "") if c)
            cells.append(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p class=note>{len(rows) - MAX_TABLE_ROWS} more rows are in the job's CSV table.</p>"
            if len(rows) > MAX_TABLE_ROWS else "")
    caption_html = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<div class="scroll"><table>{caption_html}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{more}')


def facts_html(facts: Mapping[str, Any]) -> str:
    """Labelled values (nested mappings flattened to "a · b"), as a definition list."""
    items = []
    for label, value in _flatten(facts):
        items.append(f"<dt>{esc(label)}</dt><dd>{cell(label.rsplit(' · ', 1)[-1], value)}</dd>")
    return f'<dl class="facts">{"".join(items)}</dl>'


def _flatten(facts: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in facts.items():
        label = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out += _flatten(value, label + " · ")
        else:
            out.append((label, value))
    return out


def columns_of(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    return [(k, k.replace("_", " ")) for k in keys]


def _result(job: Mapping[str, Any]) -> tuple[list[dict], dict]:
    result = job.get("result") or {}
    return list(result.get("rows") or []), dict(result.get("summary") or {})


# ---------------------------------------------------------------- the page

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1a1a1a; background: #fff; margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 1280px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
.meta { color: #555; margin: 0 0 1rem; }
.status { display: inline-block; padding: 0 .5em; border-radius: .3em; background: #e8f1f8; color: #00406a; }
.status.failed, .status.canceled { background: #fbe9e1; color: #7a2e00; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem; margin: .4rem 0 1rem; }
dl.facts dt { color: #555; } dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
.headline { font-size: 1.1rem; margin: .4rem 0 1rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #555; font-size: .9rem; }
.scroll { overflow-x: auto; }
.beside { display: flex; flex-wrap: wrap; gap: 0 2rem; align-items: flex-start; }
.beside > div:last-child { flex: 1 1 18rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: #555; padding-bottom: .3rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #ddd; text-align: left; white-space: nowrap; }
th { background: #f4f4f4; } td.num { text-align: right; }
td.best { font-weight: 700; background: #fff3d6; }
.note { color: #555; font-size: .9rem; }
footer { margin-top: 3rem; color: #777; font-size: .85rem; }
"""


def render_report(job: Mapping[str, Any], extras: Mapping[str, Any] | None = None) -> str:
    """The page for `job`: its JSON as the API shows it (kind, status, params, timestamps) with
    `result` = {rows, summary}. `extras` carries what a kind's renderer needs beyond the result
    (e.g. images); renderers ignore keys they do not know."""
    job, extras = dict(job), dict(extras or {})
    kind = str(job.get("kind", "job"))
    _rows, summary = _result(job)
    sections = []
    if job.get("error"):
        sections.append(Section("Error", facts_html(job["error"])))
    if job.get("result") is not None:
        renderer = SECTIONS.get(kind, generic_sections)
        try:
            sections += renderer(job, extras)
        except Exception:  # a result the renderer does not expect still gets its table
            log.warning("the %s report sections failed; falling back to the generic ones", kind, exc_info=True)
            sections.append(Section("Note", "<p class=note>This job's figures could not be drawn; "
                                             "its summary and table follow.</p>"))
            sections += generic_sections(job, extras)
    data = summary.get("data") if isinstance(summary.get("data"), Mapping) else None
    if data:
        sections.append(Section("Data", _data_facts(data)))
    sections.append(Section("Job", _job_facts(job)))
    title = f"latentgen {kind} job {job.get('id', '')}".strip()
    status = str(job.get("status", ""))
    body = "\n".join(f'<section><h2 id="{esc(s.title.lower().replace(" ", "-"))}">{esc(s.title)}</h2>\n{s.body}'
                     f"</section>" for s in sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{esc(kind.capitalize())} job <code>{esc(job.get('id', ''))}</code></h1>
<p class="meta"><span class="status {esc(status)}">{esc(status)}</span> · {esc(_when(job))}</p>
{f'<p class="meta">{esc(_data_line(data))}</p>' if data else ""}
</header>
{body}
<footer>Generated by latentgen. Accuracies are on the data set's test split (true labels) unless named otherwise;
"corrupted" labels are the training labels the model was fitted on.</footer>
</body>
</html>
"""


def _instant(value: Any):
    """A timestamp (datetime or ISO text) as an aware datetime in UTC; naive ones are taken as UTC."""
    from datetime import UTC, datetime

    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _time(value: Any) -> str:
    return f"{_instant(value):%Y-%m-%d %H:%M:%S} UTC"


def _when(job: Mapping[str, Any]) -> str:
    parts = [f"created {_time(job['created_at'])}"] if job.get("created_at") else []
    if job.get("started_at") and job.get("finished_at"):
        seconds = (_instant(job["finished_at"]) - _instant(job["started_at"])).total_seconds()
        parts.append(f"ran for {seconds:.0f} s" if seconds < 120 else f"ran for {seconds / 60:.1f} min")
    elif job.get("finished_at"):
        parts.append(f"finished {_time(job['finished_at'])}")
    return " · ".join(parts)


def _data_line(data: Mapping[str, Any]) -> str:
    return (f"{data.get('n_train')} training and {data.get('n_test')} test examples, {data.get('num_classes')} classes, "
            f"{percent(data.get('flip_rate'), 0)} of the training labels corrupted")


def _job_facts(job: Mapping[str, Any]) -> str:
    facts = {k: job[k] for k in ("model_id", "dataset_id", "source_job_id", "output_model_id", "queue", "attempts")
             if job.get(k) is not None}
    facts |= {k: _time(job[k]) for k in ("created_at", "started_at", "finished_at") if job.get(k)}
    params = job.get("params") or {}
    return facts_html({**facts, **({"params": params} if params else {})})


def _data_facts(data: Mapping[str, Any]) -> str:
    noise = data.get("noise") if isinstance(data.get("noise"), Mapping) else {}
    changes = "; ".join(f"{c['true']} → {c['given']}: {c['count']} ({percent(c['share_of_class'])} of class {c['true']})"
                        for c in noise.get("changes") or ())
    facts = facts_html({"training examples": data.get("n_train"), "test examples": data.get("n_test"),
                        "input shape": "×".join(str(s) for s in data.get("input_shape") or ()) or None,
                        "classes": data.get("num_classes"),
                        "corrupted training labels": percent(data.get("flip_rate")),
                        **{k: v for k, v in (("label noise", noise.get("model")), ("most frequent changes", changes))
                           if v},
                        "inputs prepared as": data.get("preprocessing")})
    if not noise.get("counts") or not noise.get("rate"):
        return facts
    return facts + figure_html(plots.confusion_figure({"training labels": noise["counts"]}, xlabel="given label",
                                                      title="label noise (counts; colour: share of the true class)"),
                               "the training labels' noise: counts of each true class given each label")


def generic_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    """Any kind: its summary (less the data, shown above) and its table."""
    rows, summary = _result(job)
    summary.pop("data", None)
    sections = [Section("Summary", facts_html(summary) if summary else "<p class=note>No summary.</p>")]
    if rows:
        sections.append(Section("Table", table_html(columns_of(rows), rows)))
    return sections


# ---------------------------------------------------------------- kinds

def _wide(rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> list[dict]:
    """Tidy rows {..keys, metric, value} as one row per `keys` with a column per metric."""
    wide: dict[tuple, dict] = {}
    for r in rows:
        k = tuple(r.get(key) for key in keys)
        wide.setdefault(k, dict(zip(keys, k)))[r["metric"]] = r["value"]
    return list(wide.values())


# table headings of the metrics (plots.METRIC_LABELS spell them out)
HEADINGS = {"val_acc": "validation", "test_acc": "test", "train_acc_noisy": "train, corrupted labels",
            "train_acc_true": "train, true labels", "flipped_acc_true": "flipped → true",
            "flipped_acc_noisy": "flipped → corrupted", "unflipped_acc": "unflipped", "components": "MASC components"}
HEADINGS_NOTE = ("<p class=note>Accuracies in percent. <i>validation</i>: on the validation split held out of the "
                 "training examples, against their corrupted labels (what choices are made on); <i>test</i>: on the "
                 "test split (true labels); <i>train</i>: on the training split, against the corrupted or the true "
                 "labels; <i>flipped → true / → corrupted</i>: on the training examples whose label was corrupted, how "
                 "often their true or their corrupted label is predicted; <i>unflipped</i>: on the others; <i>MASC "
                 "components</i>: mean per class.</p>")


def _metric_columns(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    present = {k for r in rows for k in r}
    return [(m, heading) for m, heading in HEADINGS.items() if m in present]


def _choice_text(choice: Mapping[str, Any], model_test_acc: float | None) -> str:
    """A (layer, probe) choice in words, its accuracies and its test gain over the model."""
    gain = (None if choice.get("test_acc") is None or model_test_acc is None
            else choice["test_acc"] - model_test_acc)
    return (f'<b>{esc(choice.get("probe"))}</b> on layer <b>{esc(choice.get("layer"))}</b>: validation '
            f'{percent(choice.get("val_acc"))}, test <b>{percent(choice.get("test_acc"))}</b> ({points(gain)} '
            f'over the model)')


def _choice_note(summary: Mapping[str, Any]) -> str:
    """Which rule chose, on which examples, and the memorization warning."""
    validation = summary.get("validation") or {}
    where = {"held-out data": f"the held-out data set {validation.get('dataset_id')}",
             "indices": "training examples held out of training"}.get(validation.get("source"),
                                                                      "a split of the training examples")
    rule = validation.get("rule")
    chosen = (f'<p class="note">Chosen by the <b>{esc(rule)}</b> rule on {esc(where)} ({validation.get("n_val")} '
              f'examples): {esc(validation.get("rule_reason"))}'
              + (f'; estimated ceiling {percent(validation["noise_ceiling"])}' if validation.get("noise_ceiling") else "")
              + ".</p>") if rule else ""
    warning = validation.get("warning")
    return chosen + (f'<p class="note"><b>Note:</b> {esc(warning)}</p>' if warning else "")


@sections_for("probe")
def probe_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    rows, summary = _result(job)
    best, oracle = summary.get("best") or {}, summary.get("oracle") or {}
    model_acc = summary.get("model_test_acc")
    headline = (f'<p class="headline">The model itself: <b>{percent(model_acc)}</b> test accuracy. '
                + (f"Chosen on the validation split: {_choice_text(best, model_acc)}." if best else "") + "</p>"
                + (f'<p class="note">The test set itself would have chosen {_choice_text(oracle, model_acc)}: '
                   "for comparison only, never a choice.</p>" if oracle else "") + _choice_note(summary))
    table = _wide(rows, ("layer", "probe"))
    table.sort(key=lambda r: r["probe"] == plots.MODEL)  # the model's own row last
    columns = [("layer", "layer"), ("probe", "probe")] + _metric_columns(table)

    def is_chosen(row, key):
        return key in ("val_acc", "test_acc") and (row["layer"], row["probe"]) == (best.get("layer"), best.get("probe"))

    figures = [figure_html(plots.layer_figure(rows, "test_acc"), "test accuracy of each probe per layer, with the "
                           "model's own test accuracy as a dashed line")]
    if any(r["metric"] == "val_acc" for r in rows):
        figures.append(figure_html(plots.layer_figure(rows, "val_acc"), "validation accuracy (corrupted labels) of "
                                   "each probe per layer, with the model's own as a dashed line: what the choice "
                                   "is made on"))
    return [
        Section("Result", headline + _beside(*figures) + "<p class=note>Probes are fitted on each layer's outputs "
                "with the corrupted training labels; the dashed line is the network's own prediction.</p>"),
        Section("Table", table_html(columns, table, is_chosen, "every probe on every layer; the choice made on the "
                                                              "validation split highlighted") + HEADINGS_NOTE),
    ]


def _comparison_sections(rows: list[dict], summary: Mapping[str, Any], tag: str, headline: str) -> list[Section]:
    """The model beside what the job made of it (`tag`: repaired, grafted): every accuracy, and
    per class with the confusion matrices when the summary has them (`test_per_class`)."""
    by_arm = {arm: {r["metric"]: r["value"] for r in rows if r["probe"] == arm} for arm in ("model", tag)}
    table = [{"metric": HEADINGS[m], "model": by_arm["model"].get(m), tag: by_arm[tag].get(m),
              "change": (None if by_arm["model"].get(m) is None or by_arm[tag].get(m) is None
                         else by_arm[tag][m] - by_arm["model"][m])}
             for m in plots.METRIC_LABELS if m in by_arm["model"] or m in by_arm[tag]]
    sections = [Section("Before and after", headline + _beside(figure_html(
        plots.before_after_figure(by_arm, title=f"the model and the {tag} model"),
        f"bars of each accuracy of the model and of the {tag} model"),
        _change_table(table, "metric", tag) + HEADINGS_NOTE))]
    per_class = summary.get("test_per_class")
    if per_class:
        accuracy = {arm: per_class[arm]["accuracy"] for arm in ("model", tag)}
        class_rows = [{"class": c, "model": m, tag: r, "change": None if m is None or r is None else r - m}
                      for c, (m, r) in enumerate(zip(accuracy["model"], accuracy[tag]))]
        body = _beside(figure_html(plots.per_class_figure(accuracy, summary.get("model_test_acc")),
                                   f"test accuracy per true class of the model and of the {tag} model, with the "
                                   "model's overall test accuracy as a dashed line"),
                       _change_table(class_rows, "class", tag))
        if per_class["model"].get("confusion") is not None:
            body += figure_html(plots.confusion_figure({arm: per_class[arm]["confusion"] for arm in ("model", tag)}),
                                f"confusion matrices of the model and of the {tag} model on the test set")
        sections.append(Section("Per class", body))
    return sections


@sections_for("repair")
def repair_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    rows, summary = _result(job)
    repair = summary.get("repair") or {}
    headline = (f'<p class="headline">Test accuracy <b>{percent(summary.get("model_test_acc"))}</b> → '
                f'<b>{percent(summary.get("repaired_test_acc"))}</b> ({points(summary.get("gain"))}) after replacing '
                f'the last layer <code>{esc(repair.get("layer", "?"))}</code> by the linear probe.</p>')
    return _comparison_sections(rows, summary, "repaired", headline) + [
        Section("Edit", facts_html({k: v for k, v in repair.items() if k != "signs"}))]


@sections_for("graft")
def graft_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    rows, summary = _result(job)
    model = summary.get("model") or {}
    headline = (f'<p class="headline">Test accuracy <b>{percent(summary.get("model_test_acc"))}</b> → '
                f'<b>{percent(summary.get("test_acc"))}</b> ({points(summary.get("gain"))}) with the network cut after '
                f'layer <code>{esc(summary.get("layer"))}</code> and a <b>{esc(summary.get("head"))}</b> head fitted on '
                f'the corrupted labels (chosen on: {esc(summary.get("chosen_by"))}).</p>'
                + _choice_note(summary))
    tags = {"model", "grafted"}
    candidates = [r for r in rows if r["probe"] not in tags]
    reference = [{"layer": plots.MODEL, "probe": plots.MODEL, "metric": "val_acc", "value": model.get("val_acc")}]
    table = _wide(candidates, ("layer", "probe"))

    def is_chosen(row, key):
        return key == "val_acc" and (row["layer"], row["probe"]) == (summary.get("layer"), summary.get("head"))

    return _comparison_sections([r for r in rows if r["probe"] in tags], summary, "grafted", headline) + [
        Section("Candidates", _beside(
            figure_html(plots.layer_figure(candidates + reference, "val_acc", title="validation accuracy of each head "
                                           "at each cut"), "validation accuracy (corrupted labels) of each head at "
                        "each candidate layer, with the model's own as a dashed line"),
            table_html([("layer", "layer"), ("probe", "head")] + _metric_columns(table), table, is_chosen,
                       "the heads tried at each cut; the choice highlighted"))),
    ]


SUSPICIOUS_SHOWN = 24  # images of the most suspicious training examples in an audit's report
SUSPICIOUS_LISTED = 50


@sections_for("audit")
def audit_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    """`extras["suspicious"]`: {"index": [...], "images": [...]}, the training images of the most
    suspicious examples (the job's rows hold their labels and scores)."""
    rows, summary = _result(job)
    detection = summary.get("detection") or {}
    headline = (f'<p class="headline"><b>{esc(summary.get("n_flagged"))}</b> of {esc(summary.get("n"))} training '
                f'labels look wrong ({percent(summary.get("estimated_noise_rate"))}), scored out of sample by the '
                f'<b>{esc(summary.get("probe"))}</b> probe on layer <b>{esc(summary.get("layer"))}</b> '
                f'({esc(summary.get("folds"))} folds; chosen on the validation split: validation '
                f'{percent(summary.get("val_acc"))}, test {percent(summary.get("test_acc"))}).</p>')
    body = headline + _choice_note(summary)
    structure = summary.get("noise_structure") or {}
    if structure.get("structured"):
        body += (f'<p class="note">{percent(structure.get("concentration"))} of the suggested changes of a class go '
                 f'to one label: {esc(structure.get("rule"))}.</p>')
    if detection:
        audit, model = detection.get("audit") or {}, detection.get("model") or {}
        body += (f'<p>Against the true labels ({percent(detection.get("true_noise_rate"))} of them wrong): the audit '
                 f'flags with precision <b>{percent(audit.get("precision"))}</b> and recall '
                 f'<b>{percent(audit.get("recall"))}</b> (AUROC {cell("auroc", audit.get("auroc"))}); the model '
                 f'disagreeing with a label: precision {percent(model.get("precision"))}, recall '
                 f'{percent(model.get("recall"))}.</p>')
    if rows and all("true_label" in r for r in rows):
        points = {"flagged by the audit": (detection.get("audit") or {}), "the model disagrees with the label":
                  (detection.get("model") or {})}
        body += figure_html(plots.precision_recall_figure(
            [r["score"] for r in rows], [r["given"] != r["true_label"] for r in rows],
            {name: (p["recall"], p["precision"]) for name, p in points.items()
             if p.get("recall") is not None and p.get("precision") is not None}),
            "precision against recall of the audit's suspicion score in finding the wrong labels")
    sections = [Section("Result", body)]
    estimated = summary.get("estimated_noise") or {}
    if estimated.get("counts"):
        sections.append(Section("Estimated noise", _estimated_noise(estimated, (summary.get("data") or {}).get("noise"))))
    suspicious = sorted((r for r in rows if r.get("flagged")), key=lambda r: -r["score"])
    by_index = {r["index"]: r for r in suspicious}
    shown = extras.get("suspicious") or {}
    grid = ""
    if shown.get("images") is not None and len(shown["images"]):
        captions = [f'#{i}: {by_index[i]["given"]} → {by_index[i]["suggested"]}'
                    + (f' (true {by_index[i]["true_label"]})' if "true_label" in by_index[i] else "")
                    for i in shown["index"]]
        grid = figure_html(plots.image_grid_figure(shown["images"], captions, title="the most suspicious training "
                                                   "examples: given label → suggested"),
                           "the most suspicious training images, each with its given and its suggested label")
    columns = [("index", "example"), ("given", "given label"), ("suggested", "suggested"), ("score", "suspicion")]
    columns += [("true_label", "true label")] * any("true_label" in r for r in suspicious)
    sections.append(Section("Most suspicious", grid + table_html(
        columns, suspicious[:SUSPICIOUS_LISTED], caption=f"the {min(len(suspicious), SUSPICIOUS_LISTED)} flagged "
        f"examples with the highest suspicion, of {len(suspicious)} (all in the job's CSV table)")))
    candidates = _wide(summary.get("candidates") or [], ("layer", "probe"))
    if candidates:
        metrics = [k for r in candidates for k in r if k not in ("layer", "probe")]
        sections.append(Section("Candidates", table_html(
            [("layer", "layer"), ("probe", "probe")] + [(m, HEADINGS.get(m, m)) for m in dict.fromkeys(metrics)],
            candidates, lambda row, key: key == "val_acc" and (row["layer"], row["probe"]) == (
                summary.get("layer"), summary.get("probe")), "every (layer, probe) considered; the choice highlighted")))
    return sections


def _estimated_noise(estimated: Mapping[str, Any], drawn: Mapping[str, Any] | None) -> str:
    """The audit's estimate of which classes were given which labels, beside the drawn noise when known."""
    changes = "; ".join(f"{c['true']} → {c['given']}: {c['count']}" for c in estimated.get("changes") or ())
    panels = {"estimated by the audit": estimated["counts"]}
    if drawn and drawn.get("counts"):
        panels["drawn (true labels)"] = drawn["counts"]
    figure = plots.confusion_figure(panels, xlabel="given label", ylabel="suggested (true) class",
                                    title="label noise: suggested (or true) class × given label")
    return (f"<p>Which classes were given which labels, taking the suggested labels as the true ones. Most "
            f"frequent: {esc(changes or 'none')}.</p>"
            + figure_html(figure, "the label noise the audit estimates, beside the drawn noise when known"))


def _beside(*blocks: str) -> str:
    """Blocks side by side where the page is wide enough, one under the other where not."""
    return '<div class="beside">' + "".join(f"<div>{b}</div>" for b in blocks) + "</div>"


def _change_table(rows: list[dict], first: str, tag: str) -> str:
    """Rows {first, model, tag, change}: accuracies in percent, their change in signed points."""
    return table_html([(first, first), ("model_acc", "model"), ("tag_acc", tag), ("change", "change")],
                      [{first: r[first], "model_acc": r["model"], "tag_acc": r[tag], "change": points(r["change"])}
                       for r in rows])


@sections_for("dynamics")
def dynamics_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    rows, summary = _result(job)
    peaks = summary.get("peaks") or []
    facts = {"epochs probed": ", ".join(str(e) for e in summary.get("epochs") or ()),
             "train job": summary.get("train_job_id") or "uploaded checkpoints"}
    peak_rows = [{**p, "drop": points(None if p.get("peak_value") is None or p.get("final_value") is None
                                      else p["final_value"] - p["peak_value"])} for p in peaks]
    peak_rows.sort(key=lambda p: p["probe"] == plots.MODEL)
    return [
        Section("Across training", facts_html(facts) + figure_html(
            plots.dynamics_figure(rows, "test_acc", peaks=peaks),
            "test accuracy against the epoch for each layer, one panel per probe, the model's own in black; "
            "stars mark the epoch chosen on the validation split", summary.get("note")) + _choice_note(summary)),
        Section("Peaks", table_html([("layer", "layer"), ("probe", "probe"), ("peak_epoch", "peak epoch"),
                                     ("val_acc", "validation"), ("peak_acc", "test at the peak"),
                                     ("final_acc", "test at the end"), ("drop", "end − peak"),
                                     ("oracle_epoch", "test's own peak epoch"), ("oracle_acc", "its test")],
                                    [{**p, "peak_acc": p.get("peak_value"), "final_acc": p.get("final_value"),
                                      "oracle_acc": p.get("oracle_value")} for p in peak_rows],
                                    caption="peak epochs chosen on the validation split; the test set's own peak for "
                                            "comparison only")),
        Section("Table", table_html([("epoch", "epoch"), ("layer", "layer"), ("probe", "probe")]
                                    + _metric_columns(_wide(rows, ("epoch", "layer", "probe"))),
                                    _wide(rows, ("epoch", "layer", "probe"))) + HEADINGS_NOTE),
    ]


EPOCH_COLUMNS = [("epoch", "epoch"), ("loss", "loss (cross-entropy)")]


@sections_for("train")
def train_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    rows, summary = _result(job)
    final = summary.get("final") or {}
    headline = (f'<p class="headline">{esc(summary.get("epochs_run"))} epochs ({esc(summary.get("stopped_reason"))}): '
                f'test accuracy <b>{percent(final.get("test_acc"))}</b>, train accuracy on the corrupted labels '
                f'<b>{percent(final.get("train_acc_noisy"))}</b>.</p>')
    facts = {"architecture": (summary.get("arch") or {}).get("name"), "recipe": summary.get("recipe"),
             "checkpoints at epochs": ", ".join(str(e) for e in summary.get("checkpoint_epochs") or ())}
    return [
        Section("Training", headline + facts_html(facts) + figure_html(
            plots.training_figure(rows), "accuracy curves against the epoch: test, train on corrupted and on true "
                                         "labels, and the flipped examples")),
        Section("Table", table_html(EPOCH_COLUMNS + _metric_columns(rows), rows) + HEADINGS_NOTE),
    ]


@sections_for("midway")
def midway_sections(job: Mapping[str, Any], extras: Mapping[str, Any]) -> list[Section]:
    rows, summary = _result(job)
    final = summary.get("final") or {}
    final_rows = [{"arm": plots.MIDWAY_ARMS[arm], **(final.get(arm) or {})} for arm in plots.MIDWAY_ARMS]
    facts = {"architecture": (summary.get("arch") or {}).get("name"), "recipe": summary.get("recipe"),
             "edit at epoch": summary.get("edit_epoch"), "total epochs": summary.get("total_epochs")}
    return [
        Section("Three arms", facts_html(facts) + figure_html(
            plots.midway_figure(rows), "test accuracy and memorisation of the corrupted labels against the epoch, "
                                       "before the edit, after the repair and for the unedited control")),
        Section("Final epoch of each arm", table_html([("arm", "arm")] + EPOCH_COLUMNS + _metric_columns(final_rows),
                                                      final_rows)),
        Section("Table", table_html([("arm", "arm")] + EPOCH_COLUMNS + _metric_columns(rows), rows) + HEADINGS_NOTE),
    ]
