// The problem spec's JSON Schema, for editors (yaml-language-server) and other tools.
// Written to schemas/problem-spec.schema.json by `npm run schemas`; a test fails when that file is stale.
import { z } from "zod";
import { problemSpecSchema } from "./schema.ts";

export const PROBLEM_SPEC_SCHEMA_ID = "https://github.com/sstar-action/sstar-action/schemas/problem-spec.schema.json";

export function problemSpecJsonSchema(): object {
  return {
    $id: PROBLEM_SPEC_SCHEMA_ID,
    title: "sstar-action problem spec",
    ...z.toJSONSchema(problemSpecSchema, { io: "input", unrepresentable: "any" }),
  };
}

/** The exact text of the committed schema file (stable key order, trailing newline). */
export function problemSpecJsonSchemaText(): string {
  return JSON.stringify(problemSpecJsonSchema(), null, 2) + "\n";
}
