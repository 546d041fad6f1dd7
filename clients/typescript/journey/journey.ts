// The user journey, written as a user of the npm package writes it: `latentgen-client` installed
// from the tarball `npm pack` makes (tests/service/test_svc_typescript_client.py), type-checked by
// tsc --strict in a project of its own.
import { createLatentgenClient, multipart, waitForJob, type Schemas } from "latentgen-client";

export async function journey(baseUrl: string, key: string, weights: Blob, data: Blob): Promise<number> {
  const client = createLatentgenClient(baseUrl, key);

  const arch: Schemas["ArchSpec"] = { name: "mlp", input_shape: [1, 28, 28], num_classes: 10 };
  const model = await client.POST("/v1/models", {
    body: { weights, arch, name: "my mlp" },
    bodySerializer: multipart,
  });
  if (model.error) throw new Error(`${model.error.error.code}: ${model.error.error.message}`);
  const modelId: string = model.data.id;

  const spec: Schemas["DatasetSpec"] = { source: "npz", labels: { p: 0.4, seed: 42 } };
  const dataset = await client.POST("/v1/datasets", { body: { spec, file: data }, bodySerializer: multipart });
  if (dataset.error) throw new Error(dataset.error.error.message);

  const layers = await client.GET("/v1/models/{model_id}/layers", { params: { path: { model_id: modelId } } });
  const names: string[] = (layers.data ?? []).map((layer) => layer.name);

  const probeBody: Schemas["ProbeJobCreate"] = {
    kind: "probe", model_id: modelId, dataset_id: dataset.data.id,
    params: { layers: names.slice(0, 2), probes: ["masc", "linear"] },
  };
  const created = await client.POST("/v1/jobs", { body: probeBody });
  if (created.error) throw new Error(created.error.error.field ?? created.error.error.message);
  const job = await waitForJob(client, created.data.id, (polled) => {
    console.log(polled.progress.stage, polled.progress.current, polled.progress.total);
  });

  const result = await client.GET("/v1/jobs/{job_id}/result", { params: { path: { job_id: job.id } } });
  if (result.error) throw new Error(`${result.error.error.code} (${result.error.error.job_status ?? ""})`);
  if (result.data.kind === "probe") {
    const best: Schemas["Choice"] | null = result.data.summary.best;  // chosen on the validation split
    const rows: Schemas["TidyRow"][] = result.data.rows;
    console.log(result.data.summary.model_test_acc, best?.layer, rows.length);
  }
  const csv = await client.GET("/v1/jobs/{job_id}/result.csv", {
    params: { path: { job_id: job.id } }, parseAs: "text",
  });
  const table: string | undefined = csv.data;

  const repair = await client.POST("/v1/jobs", {
    body: { kind: "repair", model_id: modelId, dataset_id: dataset.data.id, params: { bias: "zero" } },
  });
  if (repair.error) throw new Error(repair.error.error.message);
  const repaired = await client.GET("/v1/jobs/{job_id}/result", { params: { path: { job_id: repair.data.id } } });
  if (repaired.data?.kind === "repair") {
    const gain: number | null = repaired.data.summary.gain;
    const file = await client.GET("/v1/models/{model_id}/weights", {
      params: { path: { model_id: repaired.data.summary.output_model_id } }, parseAs: "blob",
    });
    const bytes: Blob | undefined = file.data;
    const sha: string | null = file.response.headers.get("X-Content-SHA256");
    console.log(gain, bytes?.size, sha);
  }

  const cancel = await client.POST("/v1/jobs/{job_id}/cancel", { params: { path: { job_id: job.id } } });
  if (cancel.error) {
    const status: Schemas["JobStatus"] | null | undefined = cancel.error.error.job_status;
    console.log(cancel.response.status, status);
  }
  return table?.length ?? 0;
}
