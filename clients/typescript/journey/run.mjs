// Runs the compiled journey (dist/journey.js) against a live service:
//   node run.mjs URL KEY WEIGHTS.safetensors DATA.npz
import { readFile } from "node:fs/promises";
import { journey } from "./dist/journey.js";

const [url, key, weightsPath, dataPath] = process.argv.slice(2);
if (!url || !key || !weightsPath || !dataPath) throw new Error("usage: node run.mjs URL KEY WEIGHTS DATA");
const weights = new Blob([await readFile(weightsPath)]);
const data = new Blob([await readFile(dataPath)]);
const csvLength = await journey(url, key, weights, data);
console.log(`journey done: the probe's CSV has ${csvLength} characters`);
