// The action's router: decide the target from the event (route.ts), then hand the run to the
// handler of its mode: schedule (the regression check), or for problems auto (solve and write
// back), solve (solve into a bundle, read-only) or publish (write back a bundle). Everything it
// reads comes in as data (inputs, context, environment) and every side effect on the runner goes
// through `io`, so tests call it directly.
import { resolve } from "node:path";
import type { ActionContext } from "./context.ts";
import type { ActionInputs } from "./inputs.ts";
import { runAuto } from "./modes/auto.ts";
import { runPublish } from "./modes/publish.ts";
import { runSolve } from "./modes/solve.ts";
import type { ActionIO, ActionResult, RunControl } from "./outcome.ts";
import { decideTarget } from "./route.ts";
import { ActionRun } from "./run-state.ts";
import { runSchedule } from "./schedule.ts";
import { openSolvers } from "./solving.ts";

export { OUTPUT_NAMES, type ActionIO, type ActionResult, type Outputs, type RunControl } from "./outcome.ts";

export async function runAction(given: ActionInputs, ctx: ActionContext, env: Record<string, string | undefined>, io: ActionIO, control: RunControl = {}): Promise<ActionResult> {
  const target = decideTarget(given, ctx);
  // "/sstar solve force": the maintainer asks for the pull request whatever the pick's confidence.
  const inputs = target.kind === "command" && target.force ? { ...given, minConfidence: 0 } : given;
  const run = new ActionRun(inputs, ctx, env, io, control, resolve(ctx.workspace, inputs.resultDir));
  run.result.target = target.kind;
  io.info(`sstar-action: mode ${inputs.mode}, event ${ctx.eventName}, target ${target.kind}`);
  switch (target.kind) {
    case "skip":
      io.info(`nothing to do: ${target.reason}`);
      return run.result;
    case "regression":
      return runSchedule(inputs, ctx, io, run.result, run.clean, (cacheDir) => openSolvers(inputs, env, io, cacheDir, ctx.workspace));
    default:
      if (inputs.mode === "publish") return runPublish(run, target);
      if (inputs.mode === "solve") return runSolve(run, target);
      return runAuto(run, target);
  }
}
