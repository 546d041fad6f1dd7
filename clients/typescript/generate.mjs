// Types from the committed OpenAPI document, as openapi-typescript documents for file uploads:
// `format: binary` is a Blob (the generator's default would be string), and a field with a declared
// default is optional in a request (the server fills it in). Written as src/schema.ts (types only),
// so that the build emits its declarations into dist/ with the rest.
import fs from "node:fs";
import ts from "typescript";
import openapiTS, { astToString } from "openapi-typescript";

const BLOB = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier("Blob"));
const source = new URL("../../docs/openapi.json", import.meta.url);
const ast = await openapiTS(source, {
  defaultNonNullable: false,
  transform(schemaObject) {
    if (schemaObject.format === "binary") return BLOB;
  },
});
fs.writeFileSync(new URL("./src/schema.ts", import.meta.url), astToString(ast));
