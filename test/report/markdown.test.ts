import { describe, expect, it } from "vitest";
import { clusterRows, codeCell, escapeInline, renderReportMarkdown } from "../../src/report/markdown.ts";
import { solveReportSchema, type SolveReport } from "../../src/engine/report.ts";

function report(over: Partial<SolveReport> = {}): SolveReport {
  const round = (code: string, passed: number) => ({ round: 0, code, publicResults: [], publicPassed: passed, publicTotal: 2 });
  const base: SolveReport = {
    version: 1,
    problem: { id: "abs", title: "Absolute <b>value</b> @team", language: "python", io: "stdio" },
    settings: { model: "gpt-x", judgeModel: "gpt-x", samples: 3, rounds: 2, selection: "sstar", temperature: 0.7, sandbox: "bwrap", replay: false },
    status: "solved",
    samples: [
      { index: 0, rounds: [round("print(n)", 2)], finalCode: "print(n)", publicPassed: 2, publicTotal: 2 },
      { index: 1, rounds: [round("print(abs(n))", 2)], finalCode: "print(abs(n))", publicPassed: 2, publicTotal: 2 },
      { index: 2, rounds: [round("", 0)], finalCode: "", publicPassed: 0, publicTotal: 2 },
    ],
    inputs: [
      { id: "s1", input: "-4\n", origin: "synthesized" },
      { id: "s2", input: "x\n", origin: "synthesized", dropped: "every candidate errored on it" },
    ],
    clusters: [
      { id: "c1", members: [0], representative: 0, outputs: { s1: "-4" } },
      { id: "c2", members: [1], representative: 1, outputs: { s1: "4" } },
    ],
    matches: [
      {
        a: "c1",
        b: "c2",
        inputs: [{ inputId: "s1", input: "-4\n", outputA: "-4\n", outputB: "4\n" }],
        votes: [
          { order: "ab", choice: "b", reasoning: "|-4| = 4. </details> <script>x</script>" },
          { order: "ba", choice: "b", reasoning: "c2 is right" },
        ],
        winner: "b",
      },
    ],
    selection: { strategy: "sstar", selectedSample: 1, selectedCluster: "c2", reason: "cluster c2 won its match" },
    baselines: [
      { strategy: "first", selectedSample: 0 },
      { strategy: "majority", selectedSample: 0 },
    ],
    selected: { sample: 1, code: "print(abs(n))", publicPassed: 2, publicTotal: 2 },
    usage: {
      total: { calls: 6, cachedCalls: 0, promptTokens: 100, completionTokens: 50, costUsd: 0.01, wallMs: 1234 },
      byStage: { generate: { calls: 3, cachedCalls: 0, promptTokens: 60, completionTokens: 30, costUsd: 0.006, wallMs: 1000 }, judge: { calls: 2, cachedCalls: 0, promptTokens: 40, completionTokens: 20, costUsd: 0.004, wallMs: 200 } },
    },
    timings: { totalMs: 1234, byStageMs: { generate: 1000, test: 300 } },
    startedAt: "2025-01-01T00:00:00.000Z",
  };
  return solveReportSchema.parse({ ...base, ...over });
}

describe("renderReportMarkdown", () => {
  it("puts status, the selected candidate, the distinguishing input and the pass table up front", () => {
    const md = renderReportMarkdown(report(), { variant: "comment" });
    const firstDetails = md.indexOf("<details>");
    const head = md.slice(0, firstDetails);
    expect(head).toContain("✅ solved");
    expect(head).toContain(
      "**Picked sample 1** from 3 samples: 1 of the 2 samples that pass the public tests agree with it (cluster c2); on 1 input where the clusters disagree, the judge sided with it twice and never against it.",
    );
    expect(head).toContain("never against it. Public tests passed 2/2.");
    expect(head).toContain("#### Where the clusters disagree");
    expect(head).toContain("**c1 (sample 0) vs c2 ✔ (sample 1)** · judge: c2, 2 of 2 votes");
    expect(head).toContain("| input | output of c1 | output of c2 | expected (judge) |");
    expect(head).toContain("| `-4` | `-4` | `4` | `4` |");
    expect(md).toContain("<summary>Code of the other clusters (1)</summary>");
    expect(md).toContain("**c1 (sample 0)**, public tests passed 2/2:\n\n```python\nprint(n)\n```");
    expect(head).toContain("| **c2** ✔ | 1 | 2/2 | 1 of 2 candidates | 1 of 1 |");
    expect(head).toContain("`first` → sample 0");
    expect(head).toContain("6 model calls (generate 3, judge 2)");
    expect(md).toContain("<summary>Matches and the judge's reasoning (1)</summary>");
    expect(md).toContain("```python\nprint(abs(n))\n```");
    expect(md).toContain("dropped: every candidate errored on it");
    expect(md).not.toMatch(/replay/i);
  });

  it("never lets untrusted text act as Markdown or HTML", () => {
    const md = renderReportMarkdown(report(), { variant: "comment" });
    expect(md).toContain("Absolute \\<b\\>value\\</b\\> @\u200bteam");
    // The judge's reasoning is fenced: its </details> can't close our block.
    expect(md).toContain("```text\n|-4| = 4. </details> <script>x</script>\n```");
    expect(escapeInline("[x](http://evil)")).toBe("\\[x\\]\\(http\\:\u200b//evil\\)");
    expect(codeCell("a|b`c\nd")).toBe("``a\\|b`c↵d``");
  });

  it("marks a code-review match (votes, no input) apart from a match nothing separated", () => {
    const review = { a: "s0", b: "s1", inputs: [], votes: [{ order: "ab" as const, choice: "b" as const }, { order: "ba" as const, choice: "b" as const }], winner: "b" as const, note: "code review inside c1" };
    const none = { a: "c1", b: "c2", inputs: [], votes: [], winner: "tie" as const, note: "no input separates them" };
    const md = renderReportMarkdown(report({ matches: [review, none] }), { variant: "comment" });
    expect(md).toContain("Inside the picked cluster (same outputs, different code):\n\n- sample 0 vs sample 1 (code review inside c1): judge: s1, 2 of 2 votes");
    expect(md).not.toContain("**c1 (sample 0) vs c2");
  });

  it("labels a replay run as a replay", () => {
    const r = report({ settings: { ...report().settings, replay: true } });
    expect(renderReportMarkdown(r, { variant: "comment" })).toContain("**Replay run.**");
    expect(renderReportMarkdown(r, { variant: "terminal" })).toMatch(/^\[REPLAY\]/);
  });

  it("reports the fallback, an early stop and hidden results", () => {
    const r = report({
      status: "unsolved",
      selection: { ...report().selection, fallback: "no candidate passed every public test; kept the 2 with the best pass rate (1/2)" },
      stopped: "budget exhausted: 10 calls",
      hidden: { passed: 3, total: 5 },
    });
    const md = renderReportMarkdown(r, { variant: "summary" });
    expect(md).toContain("❌ unsolved");
    expect(md).toContain("**Fallback:** no candidate passed");
    expect(md).toContain("**Stopped early:** budget exhausted");
    expect(md).toContain("hidden tests passed 3/5");
  });

  it("fits within maxChars by trimming the folded details first", () => {
    const long = "x".repeat(30_000);
    const r = report({ selected: { ...report().selected!, code: long } });
    const full = renderReportMarkdown(r, { variant: "comment" });
    expect(full.length).toBeGreaterThan(20_000);
    const small = renderReportMarkdown(r, { variant: "comment", maxChars: 5000 });
    expect(small.length).toBeLessThanOrEqual(5000);
    expect(small).toContain("#### Where the clusters disagree");
    expect(small).toContain("#### Candidates");
    // Every opened <details> is closed.
    expect(small.split("<details>").length).toBe(small.split("</details>").length);
    const tiny = renderReportMarkdown(r, { variant: "comment", maxChars: 300 });
    expect(tiny.length).toBeLessThanOrEqual(300);
    expect(tiny).toContain("cut to fit");
  });

  it("is deterministic", () => {
    expect(renderReportMarkdown(report(), { variant: "comment" })).toBe(renderReportMarkdown(report(), { variant: "comment" }));
  });

  it("renders plain text for the terminal, with control characters defused", () => {
    const r = report({ matches: [{ ...report().matches[0]!, inputs: [{ inputId: "s1", input: "\u001b[31mred", outputA: "1", outputB: "2" }] }] });
    const text = renderReportMarkdown(r, { variant: "terminal" });
    expect(text).not.toContain("\u001b");
    expect(text).toContain("c2*");
    expect(text).toContain("distinguishing inputs:");
    expect(text).not.toContain("<details>");
  });

  it("derives per-cluster rows: public pass, agreement and judge wins", () => {
    const rows = clusterRows(report());
    expect(rows).toEqual([
      { id: "c1", members: [0], publicPassed: 2, publicTotal: 2, agreeing: 1, clustered: 2, wins: 0, played: 1, selected: false },
      { id: "c2", members: [1], publicPassed: 2, publicTotal: 2, agreeing: 1, clustered: 2, wins: 1, played: 1, selected: true },
    ]);
  });
});
