// Spec files (a push, or a manual dispatch): the specs the push changed (or all of them) that
// match the problems glob, each placed on its own branch; a broken spec is an error for that file.
import { join, relative } from "node:path";
import fg from "fast-glob";
import { formatSpecError, loadSpecs } from "../../spec/index.ts";
import { placeSpec, type Target } from "../route.ts";
import type { ActionRun, Plan } from "../run-state.ts";

export async function planSpecs(run: ActionRun, target: Extract<Target, { kind: "specs" }>): Promise<Plan> {
  const plan: Plan = { problems: [], refusals: [], errors: [] };
  const { inputs, ctx } = run;
  const matched = (await fg(inputs.problems, { cwd: ctx.workspace, onlyFiles: true, dot: false, followSymbolicLinks: false })).sort();
  const chosen = target.changed === "all" ? matched : matched.filter((f) => (target.changed as string[]).includes(f));
  if (chosen.length === 0) {
    plan.skipped = target.changed === "all" ? `no file matches ${inputs.problems}` : `this push changed no file matching ${inputs.problems}`;
    return plan;
  }
  const loaded = await loadSpecs(chosen.map((f) => join(ctx.workspace, f)));
  for (const e of loaded.errors) plan.errors.push({ message: formatSpecError(e), file: relative(ctx.workspace, e.file) });
  for (const spec of loaded.specs) {
    const specPath = spec.path !== undefined ? relative(ctx.workspace, spec.path) : undefined;
    const placement = placeSpec(spec.id, spec.language, inputs);
    if (placement.branch === target.base) {
      plan.errors.push({ message: baseBranchClash(placement.branch), ...(specPath !== undefined ? { file: specPath } : {}) });
      continue;
    }
    plan.problems.push({ spec, placement, clamped: [], ref: { key: placement.key, kind: "spec", problemId: spec.id, problemTitle: spec.title, ...(specPath !== undefined ? { specPath } : {}) } });
  }
  return plan;
}

export function baseBranchClash(branch: string): string {
  return `the result branch ${JSON.stringify(branch)} is also the base branch: change input "branch-prefix" or "base" (sstar never pushes to the base)`;
}
