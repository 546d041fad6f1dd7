// latentgen-client: the latentgen service's API typed from its OpenAPI document (openapi-typescript),
// over openapi-fetch, with what a generator cannot give: the key on every request, multipart
// bodies for uploads, and waiting for a job while reporting its progress.
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths };
export type Schemas = components["schemas"];
export type LatentgenClient = Client<paths>;

/** A client for the service at `baseUrl` (e.g. http://127.0.0.1:8000) sending `key` as a bearer token. */
export function createLatentgenClient(baseUrl: string, key: string): LatentgenClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` } });
}

/** The body serializer of uploads: files as file parts, strings as text, typed objects (`arch`,
 * `spec`) as form fields holding their JSON, as the service reads them. */
export function multipart(body: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (value instanceof Blob) form.append(name, value, name);
    else if (typeof value === "string") form.append(name, value);
    else form.append(name, JSON.stringify(value));
  }
  return form;
}

/** A job of any kind, as `GET /v1/jobs/{job_id}` answers it. */
export type Job = paths["/v1/jobs/{job_id}"]["get"]["responses"][200]["content"]["application/json"];

/** Poll a job until it has ended (succeeded, failed or canceled), calling `onProgress` on each poll. */
export async function waitForJob(
  client: LatentgenClient, jobId: string, onProgress?: (job: Job) => void, intervalMs = 500,
): Promise<Job> {
  for (;;) {
    const polled = await client.GET("/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } });
    if (polled.error) throw new Error(`${polled.error.error.code}: ${polled.error.error.message}`);
    onProgress?.(polled.data);
    if (polled.data.status !== "queued" && polled.data.status !== "running") return polled.data;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
