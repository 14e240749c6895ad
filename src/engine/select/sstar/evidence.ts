// Where sstar's inputs and clusters come from: the first classification and clustering, inputs
// `separate` proposes (run on every candidate, split clusters they tell apart), late joiners.
import { clusterRows, vectorsAgree } from "../cluster.ts";
import { classifyInputs } from "../inputs.ts";
import type { CandidateInfo, Cell, SelInput } from "../types.ts";
import { missing, type SstarState } from "./state.ts";

/** Step 3: trusted and suspect inputs among the given positions, by the same validity rule for all. */
export function classify(s: SstarState, positions: readonly number[]): void {
  const sub = classifyInputs(
    s.cells.map((row) => positions.map((i) => row[i]!)),
    positions.length,
    s.settings.suspectErrorShare,
  );
  for (const t of sub.trusted) s.trusted.push(positions[t]!);
  for (const x of sub.suspect) s.suspectReason.set(positions[x.index]!, x.reason);
}

/** Step 4: cluster on the whole output vector over the trusted inputs. */
export function cluster(s: SstarState): void {
  s.groups.push(...clusterRows(s.cells, s.trusted, s.equivalent));
  s.env.onEvent?.({ type: "clustered", clusters: s.groups.length });
}

/**
 * Ask for inputs separating two candidates and run every kept candidate on them (execution is
 * local and cheap). Returns the positions of the new trusted inputs.
 */
export async function separateAndRun(s: SstarState, pa: number, pb: number): Promise<number[]> {
  const proposed = await s.env.separate(s.kept[pa]!, s.kept[pb]!);
  s.calls.separate++;
  s.env.onEvent?.({ type: "separate", a: s.kept[pa]!.index, b: s.kept[pb]!.index, inputs: proposed.length });
  const added = addInputs(s, proposed);
  if (added.length === 0) return [];
  const res = await s.env.execute(s.kept, added);
  const start = s.inputs.length - added.length;
  s.kept.forEach((c, p) => {
    const row = res.get(c.index);
    s.cells[p]!.push(...added.map((_, j) => row?.[j] ?? missing()));
  });
  const fresh = added.map((_, j) => start + j);
  const trustedBefore = s.trusted.length;
  classify(s, fresh);
  return s.trusted.slice(trustedBefore);
}

function addInputs(s: SstarState, proposed: readonly string[]): SelInput[] {
  const have = new Set(s.inputs.map((i) => i.input));
  const ids = new Set(s.inputs.map((i) => i.id));
  const added: SelInput[] = [];
  for (const text of proposed) {
    if (have.has(text)) continue;
    have.add(text);
    let n = s.inputs.length + 1;
    while (ids.has(`sep${n}`)) n++;
    const id = `sep${n}`;
    ids.add(id);
    const inp: SelInput = { id, input: text, origin: "separating" };
    s.inputs.push(inp);
    added.push(inp);
  }
  return added;
}

/**
 * New trusted inputs may tell apart members of any cluster: split each where they disagree, so
 * every cluster's members agree on every trusted input (and the prior stays the cluster size).
 * The part holding the representative keeps the position and the votes (the judge saw its
 * outputs); the others become new clusters, which play like any challenger.
 */
export function splitOn(s: SstarState, fresh: readonly number[]): void {
  if (fresh.length === 0) return;
  const before = s.groups.length;
  for (let g = 0; g < before; g++) {
    const members = s.groups[g]!;
    const sub = clusterRows(
      members.map((p) => s.cells[p]!),
      fresh,
      s.equivalent,
    ).map((c) => c.map((i) => members[i]!).sort((x, y) => x - y));
    if (sub.length < 2) continue;
    const home = sub.findIndex((c) => c.includes(members[0]!));
    s.groups[g] = sub[home]!;
    sub.forEach((c, i) => {
      if (i !== home) s.groups.push(c);
    });
  }
  if (s.groups.length > before) s.env.onEvent?.({ type: "clustered", clusters: s.groups.length });
}

/**
 * Late candidates (still being debugged when selection started) join once every sample is done
 * and the first schedule has run, never in between: where they join does not depend on when
 * they arrived, so the pick is a function of the model's answers alone. A late candidate whose
 * outputs agree with a cluster's representative on every trusted input joins it (its prior
 * grows; no judge call); a new output vector becomes a new cluster, which then plays.
 */
export async function join(s: SstarState, arrivals: readonly CandidateInfo[]): Promise<void> {
  const { ctx } = s;
  const known = new Set(ctx.all.map((c) => c.index));
  const fresh = arrivals.filter((c) => !known.has(c.index)).sort((x, y) => x.index - y.index);
  ctx.all.push(...fresh);
  ctx.all.sort((x, y) => x.index - y.index);
  // Selection started from candidates passing every public test: the public filter keeps only those.
  const passing = fresh.filter((c) => c.publicTotal === 0 || c.publicPassed === c.publicTotal);
  s.env.onEvent?.({ type: "filtered", kept: [...s.kept, ...passing].map((c) => c.index).sort((x, y) => x - y) });
  if (passing.length === 0) return;
  const res = s.inputs.length > 0 ? await s.env.execute(passing, s.inputs) : new Map<number, Cell[]>();
  const start = s.kept.length;
  for (const c of passing) {
    const row = s.inputs.map((_, i) => res.get(c.index)?.[i] ?? missing());
    s.kept.push(c);
    s.cells.push(row);
    ctx.cells.push(row.slice(0, ctx.inputs.length));
  }
  for (let p = start; p < s.kept.length; p++) {
    const home = s.groups.find((g) => vectorsAgree(s.cells[g[0]!]!, s.cells[p]!, s.trusted, s.equivalent));
    if (home) home.push(p);
    else s.groups.push([p]);
  }
  s.env.onEvent?.({ type: "clustered", clusters: s.groups.length });
}
