// JSON Schema files for editors and for consumers of report.json, generated from the zod schemas.
import { z } from "zod";
import { problemSpecSchema } from "../spec/schema.ts";
import { solveReportSchema } from "../engine/report.ts";

export function problemSpecJsonSchema(): object {
  return {
    $id: "https://github.com/sstar-action/sstar-action/schemas/problem-spec.schema.json",
    title: "sstar-action problem spec",
    ...z.toJSONSchema(problemSpecSchema, { io: "input", unrepresentable: "any" }),
  };
}

export function solveReportJsonSchema(): object {
  return {
    $id: "https://github.com/sstar-action/sstar-action/schemas/solve-report.schema.json",
    title: "sstar-action solve report",
    ...z.toJSONSchema(solveReportSchema, { unrepresentable: "any" }),
  };
}
