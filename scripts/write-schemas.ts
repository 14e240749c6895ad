// Writes the JSON Schema files from the zod schemas (`npm run schemas`). Tests fail when a
// committed file differs from a fresh generation.
import { mkdirSync, writeFileSync } from "node:fs";
import { problemSpecJsonSchemaText } from "../src/spec/json-schema.ts";
import { solveReportJsonSchemaText } from "../src/report/json-schema.ts";
import { evalResultsJsonSchemaText } from "../src/eval/results.ts";

mkdirSync("schemas", { recursive: true });
writeFileSync("schemas/problem-spec.schema.json", problemSpecJsonSchemaText());
writeFileSync("schemas/solve-report.schema.json", solveReportJsonSchemaText());
writeFileSync("schemas/eval-results.schema.json", evalResultsJsonSchemaText());
console.log("wrote schemas/problem-spec.schema.json, schemas/solve-report.schema.json and schemas/eval-results.schema.json");
