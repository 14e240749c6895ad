import { describe, expect, it } from "vitest";
import { Ledger, callCost, estimateTokens } from "../../src/model/budget.ts";
import { BudgetExceededError } from "../../src/model/types.ts";

const ok = (p: number, c: number) => ({ promptTokens: p, completionTokens: c, retries: 0, failed: false });

describe("Ledger", () => {
  it("counts per stage and per problem, cached calls apart and free", () => {
    const ledger = new Ledger(undefined, { inputPerMTok: 1, outputPerMTok: 2 });
    ledger.settle(ledger.reserve("generate", "p1", 10, undefined), ok(100, 50));
    ledger.settle(ledger.reserve("judge", "p2", 10, undefined), { ...ok(10, 5), retries: 2 });
    ledger.cached("generate", "p1");
    const usage = ledger.snapshot();
    expect(usage.total).toMatchObject({ calls: 2, cachedCalls: 1, promptTokens: 110, completionTokens: 55, retries: 2 });
    expect(usage.total.costUsd).toBeCloseTo((110 * 1 + 55 * 2) / 1e6, 12);
    expect(usage.byStage.generate).toMatchObject({ calls: 1, cachedCalls: 1, promptTokens: 100 });
    expect(usage.byProblem.p2).toMatchObject({ calls: 1, retries: 2 });
    expect(usage.budgetExceeded).toBeUndefined();
  });

  it("refuses the call that would pass the call budget, counting reservations in flight", () => {
    const ledger = new Ledger({ calls: 3 }, undefined);
    const a = ledger.reserve("generate", "p", 1, undefined);
    ledger.reserve("generate", "p", 1, undefined);
    ledger.reserve("generate", "p", 1, undefined);
    expect(() => ledger.reserve("debug", "p", 1, undefined)).toThrow(BudgetExceededError);
    ledger.settle(a, { ...ok(0, 0), failed: true });
    // A failed call was still sent: it still counts.
    expect(() => ledger.reserve("debug", "p", 1, undefined)).toThrow(/3 of 3 calls used \(--budget-calls; action input budget calls=N\); not starting a debug call for problem p/);
    expect(ledger.snapshot().budgetExceeded).toMatch(/--budget-calls/);
    expect(ledger.snapshot().total.failedCalls).toBe(1);
  });

  it("reserves the worst case of tokens (prompt estimate + max tokens)", () => {
    const ledger = new Ledger({ tokens: 1000 }, undefined);
    const r = ledger.reserve("generate", "p", 100, 400);
    ledger.reserve("generate", "p", 100, 300);
    expect(() => ledger.reserve("generate", "p", 100, 100)).toThrow(/token budget of 1000 \(--budget-tokens/);
    ledger.settle(r, ok(100, 50)); // used 150, reserved 400
    expect(() => ledger.reserve("generate", "p", 100, 300)).not.toThrow();
  });

  it("stops on estimated cost with judge prices for judge stages", () => {
    const prices = { inputPerMTok: 1, outputPerMTok: 1, judgeInputPerMTok: 100, judgeOutputPerMTok: 100 };
    expect(callCost("judge", 1000, 0, prices)).toBeCloseTo(0.1, 12);
    expect(callCost("generate", 1000, 0, prices)).toBeCloseTo(0.001, 12);
    const ledger = new Ledger({ costUsd: 0.15 }, prices);
    ledger.settle(ledger.reserve("judge", "p", 1000, undefined), ok(1000, 0));
    expect(() => ledger.reserve("judge", "p", 1000, undefined)).toThrow(/budget of \$0.1500 \(--budget-usd/);
    expect(() => ledger.reserve("generate", "p", 1000, undefined)).not.toThrow();
  });

  it("a request for several choices reserves a call per choice and its prompt once, as many as fit", () => {
    const ledger = new Ledger({ calls: 5, tokens: 1000 }, undefined);
    const { reservation, refused } = ledger.reserveUpTo("generate", "p", 100, 200, 6);
    expect(reservation).toMatchObject({ calls: 4, tokens: 900 }); // 100 + 4 x 200; a fifth choice would pass 1000 tokens
    expect(refused).toMatch(/over the token budget of 1000 \(--budget-tokens; action input budget tokens=N\); not starting a generate call for problem p/);
    ledger.settle(reservation, { promptTokens: 100, completionTokens: 120, retries: 0, failed: false, calls: 3 });
    expect(ledger.snapshot().total).toMatchObject({ calls: 3, requests: 1, promptTokens: 100, completionTokens: 120 });
    expect(ledger.reserveUpTo("generate", "p", 0, undefined, 9).reservation.calls).toBe(2); // the calls cap: 3 used of 5
    expect(() => ledger.reserveUpTo("generate", "p", 0, undefined, 1)).toThrow(/5 of 5 calls used/);
  });

  it("caps each problem on its own beside the run's budget, so one hard problem can't eat the run's", () => {
    const ledger = new Ledger({ calls: 10, perProblem: { calls: 3, costUsd: 0.01 } }, { inputPerMTok: 1, outputPerMTok: 2 });
    for (let i = 0; i < 3; i++) ledger.settle(ledger.reserve("generate", "hard", 10, undefined), ok(100, 50));
    expect(() => ledger.reserve("debug", "hard", 10, undefined)).toThrow(
      "model budget reached: 3 of 3 calls used of problem hard (--budget-per-problem calls=N; action input budget-per-problem); not starting a debug call for problem hard",
    );
    // The next problem starts with its own allowance; the run's total still counts every call.
    const r = ledger.reserveUpTo("generate", "easy", 10, undefined, 5);
    expect(r.reservation.calls).toBe(3);
    expect(r.refused).toMatch(/3 of 3 calls used of problem easy/);
    ledger.settle(r.reservation, ok(100, 50));
    expect(ledger.snapshot().total.calls).toBe(6);
    expect(ledger.snapshot().byProblemStage?.hard?.generate).toMatchObject({ calls: 3 });
    // Per-problem dollars: 2,000,000 estimated prompt tokens cost $2, over the $0.01 cap.
    expect(() => ledger.reserve("generate", "third", 2_000_000, undefined)).toThrow(/over the budget of \$0\.0100 \(--budget-per-problem usd=X; action input budget-per-problem\)/);
  });

  it("snapshots are copies", () => {
    const ledger = new Ledger(undefined, undefined);
    const snap = ledger.snapshot();
    snap.total.calls = 99;
    expect(ledger.snapshot().total.calls).toBe(0);
  });

  it("estimates about four characters a token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcdefgh")).toBe(2);
  });
});
