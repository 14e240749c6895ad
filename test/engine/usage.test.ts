import { describe, expect, it } from "vitest";
import { StageClock, UsageRecorder } from "../../src/engine/usage.ts";
import { buildUsage, problemCost } from "../../src/engine/usage-report.ts";
import { candidateRound, sampleTrace } from "../../src/engine/sample.ts";
import { initialProgress, progressLine, reduceProgress } from "../../src/engine/progress.ts";

describe("StageClock", () => {
  it("counts overlapping operations of a stage once (union of intervals)", () => {
    let t = 0;
    const clock = new StageClock(() => t);
    const a = clock.begin("generate");
    t = 10;
    const b = clock.begin("generate");
    t = 30;
    a();
    t = 50;
    b();
    b(); // ending twice is harmless
    t = 60;
    const c = clock.begin("judge");
    t = 65;
    expect(clock.totals()).toEqual({ generate: 50, judge: 5 });
    c();
    t = 100;
    expect(clock.totals()).toEqual({ generate: 50, judge: 5 });
  });
});

describe("usage", () => {
  it("sums calls and tokens per stage and shares the problem's cost by tokens", () => {
    const u = new UsageRecorder();
    const reply = (p: number, c: number, cached = false, cachedPromptTokens = 0) => ({ content: "", finishReason: "stop", promptTokens: p, cachedPromptTokens, completionTokens: c, cached, model: "m" });
    u.reply("generate", reply(100, 200, false, 60));
    u.reply("generate", reply(100, 200, true));
    u.reply("judge", reply(300, 100));
    u.failure("judge");
    const usage = buildUsage(u.byStage(), { total: 1000, generate: 800, judge: 100 }, 1.0);
    expect(usage.total).toMatchObject({ calls: 3, cachedCalls: 1, promptTokens: 500, completionTokens: 500, costUsd: 1, wallMs: 1000 });
    expect(usage.byStage.generate).toMatchObject({ calls: 2, costUsd: 0.6, wallMs: 800, cachedPromptTokens: 60 });
    expect(usage.total.cachedPromptTokens).toBe(60);
    expect(usage.byStage.judge).toMatchObject({ calls: 1, failedCalls: 1, costUsd: 0.4 });
  });
  it("takes the cost as the difference of the client's records for the problem", () => {
    const snap = (c: number) => ({ total: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: c }, byStage: {}, byProblem: { p: { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: c } } });
    expect(problemCost(snap(0.5), snap(0.75), "p")).toBeCloseTo(0.25);
    expect(problemCost(undefined, snap(0.75), "q")).toBe(0);
  });
});

describe("a sample's candidate", () => {
  const round = (r: number, passed: number, code = `code${r}`) => ({ round: r, code, publicResults: [], publicPassed: passed, publicTotal: 3 });
  it("is the round passing the most public tests, the latest among equals", () => {
    expect(candidateRound([round(0, 1), round(1, 2), round(2, 2)])?.round).toBe(2);
    expect(candidateRound([round(0, 2), round(1, 1)])?.round).toBe(0);
    expect(candidateRound([round(0, 0), round(1, 0, "")])?.round).toBe(0);
    expect(sampleTrace(4, [round(0, 0, "")], 3)).toMatchObject({ index: 4, finalCode: "", publicPassed: 0, publicTotal: 3 });
  });
});

describe("progress", () => {
  it("follows the stages and says what is done", () => {
    let s = initialProgress(2);
    s = reduceProgress(s, { type: "round", sample: 0, round: 0, passed: 0, total: 1 });
    s = reduceProgress(s, { type: "round", sample: 0, round: 1, passed: 1, total: 1 });
    s = reduceProgress(s, { type: "sample-done", sample: 0, passed: 1, total: 1, done: 1, of: 2 });
    expect(progressLine("p", s)).toBe("p: generate+debug: 1/2 samples done, 1 pass the public tests, 1 debugging round");
    s = reduceProgress(s, { type: "selection", event: { type: "filtered", kept: [0, 1] } });
    s = reduceProgress(s, { type: "selection", event: { type: "clustered", clusters: 2 } });
    s = reduceProgress(s, { type: "judge-call", calls: 2 });
    s = reduceProgress(s, { type: "selection", event: { type: "match-finished", a: "c1", b: "c2", winner: "a" } });
    // The second sample is still being debugged: its counter stays on the selection line.
    expect(progressLine("p", s)).toBe("p: select: 1/2 samples done, 2 candidates, 2 clusters, 1 match, 2 judge calls");
    s = reduceProgress(s, { type: "sample-done", sample: 1, passed: 1, total: 1, done: 2, of: 2 });
    s = reduceProgress(s, { type: "selection", event: { type: "clustered", clusters: 1 } });
    expect(progressLine("p", s)).toBe("p: select: 2 candidates, 1 cluster, 1 match, 2 judge calls");
    s = reduceProgress(s, { type: "stopped", reason: "budget exhausted" });
    s = reduceProgress(s, { type: "done", status: "solved", selectedSample: 1 });
    // The last line says where every counter ended.
    expect(progressLine("p", s)).toBe("p: solved, selected sample 1 (2/2 samples done, 1 match, 2 judge calls) (stopped: budget exhausted)");
  });
});
