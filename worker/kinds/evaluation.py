"""The model beside what a job made of it (repaired, grafted): the same label metrics for each,
measured on the saved bytes a client downloads."""

from __future__ import annotations

from typing import Any

from worker.runner import Progress


def compare_networks(networks: dict[str, tuple[str, Any]], splits, labels, device,
                     progress: Progress) -> tuple[list[dict], dict[str, dict], dict[str, dict]]:
    """`networks`: {tag: (layer shown in the rows, network)}. Rows {layer, probe: tag, metric,
    value}, {tag: metrics} (test_acc, train_acc_noisy, ...) and {tag: per-class test accuracy and
    confusion matrix} (`latentgen.metrics.class_metrics`)."""
    from latentgen.metrics import class_metrics, label_metrics, predict

    rows: list[dict] = []
    metrics: dict[str, dict] = {}
    per_class: dict[str, dict] = {}
    progress("evaluating", 0, len(networks))
    for i, (tag, (layer, network)) in enumerate(networks.items()):
        pred_test = predict(network, splits.x_test, device=device)
        mt = label_metrics(predict(network, splits.x_train, device=device), pred_test, labels, splits.y_test.numpy())
        metrics[tag] = mt
        per_class[tag] = class_metrics(pred_test, splits.y_test.numpy(), splits.num_classes)
        rows += [{"layer": layer, "probe": tag, "metric": k, "value": v} for k, v in mt.items()]
        progress("evaluating", i + 1, len(networks))
    return rows, metrics, per_class
