import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { solveReportJsonSchema, solveReportJsonSchemaText } from "../../src/report/json-schema.ts";

describe("solve report JSON Schema", () => {
  it("describes the report's main parts", () => {
    const schema = solveReportJsonSchema() as { required?: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(["problem", "selection", "samples", "matches", "clusters", "usage"]));
  });
  it("is committed up to date (run `npm run schemas` after changing src/engine/report.ts)", () => {
    expect(readFileSync("schemas/solve-report.schema.json", "utf8")).toBe(solveReportJsonSchemaText());
  });
});
