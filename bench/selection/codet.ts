// CodeT's dual execution agreement (Chen et al., 2022), as a comparison baseline only: it trusts
// the model's predicted outputs, which S* never does. Programs are grouped by the exact set of
// predicted tests they pass; a group scores |programs| x |tests passed|; the best group's
// lowest-index program is picked.
export function codetPick(candidates: readonly { index: number; passes: string }[]): number | null {
  if (candidates.length === 0) return null;
  const groups = new Map<string, number[]>();
  for (const c of candidates) {
    const g = groups.get(c.passes) ?? [];
    g.push(c.index);
    groups.set(c.passes, g);
  }
  let best: { score: number; pick: number } | undefined;
  for (const [passes, members] of groups) {
    const tests = [...passes].filter((ch) => ch === "1").length;
    const score = members.length * tests;
    const pick = Math.min(...members);
    if (!best || score > best.score || (score === best.score && pick < best.pick)) best = { score, pick };
  }
  return best!.pick;
}
