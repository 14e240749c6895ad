// CodeContests reference check in the suite: a deterministic subset (every 4th problem by id);
// `npm run check:references` runs all 69.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type PooledSandbox } from "../../src/sandbox/index.ts";
import { checkReferences, loadReferences } from "./reference-check.ts";
import { hasSharedData } from "../fixtures/shared-data.ts";

let sb: PooledSandbox;
beforeAll(async () => {
  sb = await createSandbox();
});
afterAll(async () => {
  await sb.close();
});

describe.runIf(hasSharedData)("CodeContests references", () => {
  it("finds the 69 problems whose reference passes all tests", () => {
    expect(loadReferences()).toHaveLength(69);
  });
  it("each reference of the subset passes its hidden tests, and its broken copy fails", async () => {
    const all = loadReferences().sort((a, b) => a.spec.id.localeCompare(b.spec.id));
    const subset = all.filter((_, i) => i % 4 === 0);
    const outcomes = await checkReferences(sb, subset);
    for (const o of outcomes) {
      const bad = o.reference.outcomes.filter((t) => t.verdict !== "accepted").map((t) => `${t.test}: ${t.verdict} ${t.message ?? ""}`);
      expect(bad, o.id).toEqual([]);
      expect(o.reference.allPassed, o.id).toBe(true);
      expect(o.broken.allPassed, `${o.id} broken copy`).toBe(false);
      expect(o.broken.outcomes.at(-1)?.verdict, o.id).toBe("wrong-answer");
    }
    expect(outcomes).toHaveLength(subset.length);
  }, 600_000);
});
