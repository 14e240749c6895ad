import { describe, expect, it } from "vitest";
import { problemSpecJsonSchema, solveReportJsonSchema } from "../../src/report/json-schema.ts";

describe("JSON Schema export", () => {
  it("describes the spec's required fields", () => {
    const schema = problemSpecJsonSchema() as { required?: string[]; properties?: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(["id", "title", "statement"]));
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(["io", "checker", "tests", "limits"]));
  });
  it("describes the report", () => {
    const schema = solveReportJsonSchema() as { required?: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(["problem", "selection", "samples", "matches"]));
  });
});
