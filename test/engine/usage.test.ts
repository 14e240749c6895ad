import { describe, expect, it } from "vitest";
import { StageClock, UsageRecorder } from "../../src/engine/usage.ts";
import { buildUsage, problemSpend } from "../../src/engine/usage-report.ts";
import { Ledger } from "../../src/model/budget.ts";
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
  const reply = (p: number, c: number, cached = false, cachedPromptTokens = 0) => ({ content: "", finishReason: "stop", promptTokens: p, cachedPromptTokens, completionTokens: c, cached, model: "m" });
  const prices = { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6, judgeInputPerMTok: 1, judgeOutputPerMTok: 4 };

  /** A ledger that billed p: two generate calls in one request (one retry), a judge call, and another problem's call. */
  function billed() {
    const ledger = new Ledger(undefined, prices);
    const before = { snapshot: ledger.snapshot() };
    const gen = ledger.reserve("generate", "p", 10, undefined, 2);
    ledger.settle(gen, { promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 2000, retries: 1, failed: false });
    ledger.settle(ledger.reserve("judge", "p", 10, undefined), { promptTokens: 3000, completionTokens: 500, retries: 0, failed: false });
    ledger.settle(ledger.reserve("judge", "q", 10, undefined), { promptTokens: 9000, completionTokens: 900, retries: 0, failed: false });
    return { before, after: { snapshot: ledger.snapshot() } };
  }

  it("prices each stage from its own input, cached input and output tokens at its own prices", () => {
    const { before, after } = billed();
    const spend = problemSpend(before, after, "p");
    // generate: 600 uncached x 0.15 + 400 cached x 0.075 + 2000 out x 0.6; judge at the judge prices.
    const generate = (600 * 0.15 + 400 * 0.075 + 2000 * 0.6) / 1e6;
    const judge = (3000 * 1 + 500 * 4) / 1e6;
    expect(spend.byStage.generate).toEqual({ costUsd: expect.closeTo(generate, 12) as number, requests: 1, retries: 1 });
    expect(spend.byStage.judge?.costUsd).toBeCloseTo(judge, 12);
    expect(spend.costUsd).toBeCloseTo(generate + judge, 12);
    expect(spend.costNote).toBeUndefined();
    // Shared by tokens (as before), generate's share of the cost would be 3000/6500: not its price.
    expect(Math.abs(generate - (spend.costUsd * 3000) / 6500)).toBeGreaterThan(1e-4);
  });

  it("puts requests and retries beside calls, per stage and in total", () => {
    const u = new UsageRecorder();
    u.reply("generate", reply(1000, 1000, false, 400));
    u.reply("generate", reply(0, 1000));
    u.reply("judge", reply(3000, 500));
    u.failure("judge");
    const { before, after } = billed();
    const usage = buildUsage(u.byStage(), { total: 1000, generate: 800, judge: 100 }, problemSpend(before, after, "p"));
    expect(usage.total).toMatchObject({ calls: 3, requests: 2, retries: 1, cachedCalls: 0, promptTokens: 4000, cachedPromptTokens: 400, completionTokens: 2500, wallMs: 1000 });
    expect(usage.byStage.generate).toMatchObject({ calls: 2, requests: 1, retries: 1, wallMs: 800, cachedPromptTokens: 400 });
    expect(usage.byStage.judge).toMatchObject({ calls: 1, requests: 1, retries: 0, failedCalls: 1 });
    expect(usage.costNote).toBeUndefined();
  });

  it("never gives a silent $0: an unreadable usage or no prices says the cost is unknown", () => {
    const ledger = new Ledger(undefined, undefined);
    const unpriced = problemSpend({ snapshot: ledger.snapshot() }, { snapshot: ledger.snapshot() }, "p");
    expect(unpriced.costNote).toMatch(/^no prices set \(--price-input, --price-output/);
    const broken = problemSpend({ snapshot: ledger.snapshot() }, { error: "usage exploded" }, "p");
    expect(broken.costNote).toBe("the model client's usage could not be read (usage exploded), so the cost is unknown");
    expect(buildUsage({}, {}, broken).costNote).toBe(broken.costNote);
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
