// The solve report's JSON Schema, for consumers of report.json, generated from the zod schema.
// Written to schemas/solve-report.schema.json by `npm run schemas`; a test fails when it is stale.
import { z } from "zod";
import { solveReportSchema } from "../engine/report.ts";

export function solveReportJsonSchema(): object {
  return {
    $id: "https://github.com/sstar-action/sstar-action/schemas/solve-report.schema.json",
    title: "sstar-action solve report",
    ...z.toJSONSchema(solveReportSchema, { unrepresentable: "any" }),
  };
}

export function solveReportJsonSchemaText(): string {
  return JSON.stringify(solveReportJsonSchema(), null, 2) + "\n";
}
