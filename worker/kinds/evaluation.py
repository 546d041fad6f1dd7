"""The model beside what a job made of it (repaired, grafted): the same label metrics for each,
measured on the saved bytes a client downloads."""

from __future__ import annotations

from typing import Any

from worker.runner import Progress


def compare_networks(networks: dict[str, tuple[str, Any]], splits, labels, device,
                     progress: Progress) -> tuple[list[dict], dict[str, dict]]:
    """`networks`: {tag: (layer shown in the rows, network)}. Rows {layer, probe: tag, metric,
    value} and {tag: metrics} (test_acc, train_acc_noisy, ...)."""
    from latentgen.metrics import label_metrics, predict

    rows: list[dict] = []
    metrics: dict[str, dict] = {}
    progress("evaluating", 0, len(networks))
    for i, (tag, (layer, network)) in enumerate(networks.items()):
        mt = label_metrics(predict(network, splits.x_train, device=device), predict(network, splits.x_test, device=device),
                           labels, splits.y_test.numpy())
        metrics[tag] = mt
        rows += [{"layer": layer, "probe": tag, "metric": k, "value": v} for k, v in mt.items()]
        progress("evaluating", i + 1, len(networks))
    return rows, metrics
