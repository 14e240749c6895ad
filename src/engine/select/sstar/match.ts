// Step 5: one match between two clusters on distinguishing inputs, each judged in both orders.
import { shown, sides, verdictVotes } from "../common.ts";
import type { JudgeQuestion, Match } from "../types.ts";
import { separateAndRun, splitOn } from "./evidence.ts";
import { idNow, pairKey, rep, separatingInputs, unseenInputs, used, type SstarState } from "./state.ts";

/** One match between cluster positions a and b, spending at most `allowance` calls; never the same question twice. */
export async function play(s: SstarState, a: number, b: number, allowance: number, note?: string): Promise<void> {
  const fresh = await freshInputs(s, a, b, allowance, note);
  const trace: Match = { a: idNow(s, a), b: idNow(s, b), inputs: [], votes: [], winner: "tie" };
  s.matchPositions.set(trace, [a, b]);
  if (fresh.note) trace.note = fresh.note;
  s.env.onEvent?.({ type: "match-started", a: trace.a, b: trace.b });
  if (fresh.pool.length === 0 || fresh.allowance < 2) {
    trace.note = [trace.note, whyUnplayed(s, a, b, fresh.pool.length > 0, fresh.asked)].filter(Boolean).join("; ");
  } else {
    await judgeOn(s, a, b, pickInputs(s, a, b, fresh.pool, fresh.allowance), trace);
  }
  s.matches.push(trace);
  s.env.onEvent?.({ type: "match-finished", a: trace.a, b: trace.b, winner: trace.winner });
}

interface FreshInputs {
  pool: number[];
  allowance: number;
  asked: boolean;
  note: string | undefined;
}

/** The unseen separating inputs; when none is left and 3 calls are allowed, ask `separate` for more (once per pair). */
async function freshInputs(s: SstarState, a: number, b: number, allowance: number, note: string | undefined): Promise<FreshInputs> {
  const pool = unseenInputs(s, a, b);
  const key = pairKey(a, b);
  if (pool.length > 0 || allowance < 3 || s.calls.separate >= s.settings.maxSeparateCalls || s.exhausted.has(key)) {
    return { pool, allowance, asked: false, note };
  }
  const separatedBefore = separatingInputs(s, a, b).length > 0;
  splitOn(s, await separateAndRun(s, rep(s, a), rep(s, b)));
  const after = unseenInputs(s, a, b);
  if (after.length === 0) s.exhausted.add(key);
  const why = separatedBefore ? "every input separating them was already shown" : "no synthesized input separated them";
  return { pool: after, allowance: allowance - 1, asked: true, note: [note, `${why}: asked the model for separating inputs`].filter(Boolean).join("; ") };
}

function whyUnplayed(s: SstarState, a: number, b: number, hadInputs: boolean, asked: boolean): string {
  if (hadInputs) return "call budget exhausted";
  if (asked) return "it proposed none the judge had not seen";
  return separatingInputs(s, a, b).length > 0 ? "every input separating them was already shown" : "no input separates them";
}

/** Rotate through the distinguishing inputs over rematches: each question sees fresh evidence. */
function pickInputs(s: SstarState, a: number, b: number, pool: readonly number[], allowance: number): number[] {
  const key = pairKey(a, b);
  const seen = s.shownFor.get(key) ?? new Set<number>();
  s.shownFor.set(key, seen);
  const wanted = 2 * Math.min(s.settings.maxInputsPerMatch, pool.length);
  const chosen = pool.slice(0, Math.max(1, Math.floor(Math.min(wanted, allowance) / 2)));
  chosen.forEach((i) => seen.add(i));
  return chosen;
}

/**
 * Every question of the match at once, one input each, in both orders: position bias cancels, a
 * split verdict is a tie; the answers are read in input order, so the trace doesn't depend on timing.
 */
async function judgeOn(s: SstarState, a: number, b: number, chosen: readonly number[], trace: Match): Promise<void> {
  const ra = rep(s, a);
  const rb = rep(s, b);
  trace.inputs = chosen.map((i) => ({
    inputId: s.inputs[i]!.id,
    input: s.inputs[i]!.input,
    outputA: shown(s.cells[ra]![i]),
    outputB: shown(s.cells[rb]![i]),
  }));
  const question = (i: number, first: number, second: number): JudgeQuestion => ({
    inputs: [{ input: s.inputs[i]!.input, firstOutput: shown(s.cells[first]![i]), secondOutput: shown(s.cells[second]![i]) }],
    firstCode: s.kept[first]!.code,
    secondCode: s.kept[second]!.code,
  });
  const answers = await Promise.all(chosen.map((i) => Promise.all([s.env.judge(question(i, ra, rb)), s.env.judge(question(i, rb, ra))])));
  let aVotes = 0;
  let bVotes = 0;
  for (const [ab, ba] of answers) {
    s.calls.judge += 2;
    const verdict = sides(ab, ba);
    trace.votes.push(...verdict.votes);
    const { winner, votes: n } = verdictVotes(verdict.ab, verdict.ba);
    for (let v = 0; v < n; v++) s.votes.push(winner === "a" ? { winner: a, loser: b } : { winner: b, loser: a });
    if (winner === "a") aVotes += n;
    else if (winner === "b") bVotes += n;
  }
  trace.winner = aVotes > bVotes ? "a" : bVotes > aVotes ? "b" : "tie";
}

/** Play a pair and say whether it cost anything (a match that asked nothing leaves the schedule to move on). */
export async function playSpent(s: SstarState, a: number, b: number, allowance: number, note?: string): Promise<boolean> {
  const before = used(s);
  await play(s, a, b, allowance, note);
  return used(s) !== before;
}
