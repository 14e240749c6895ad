// The GitHub Action entry point (dist/index.js): read inputs into one typed object, read the
// context, call the core, set outputs. Everything else lives in run.ts. `run` is exported for
// @github/local-action, which imports this file and calls it.
import * as core from "@actions/core";
import { redact } from "../model/redact.ts";
import { readContext } from "./context.ts";
import { costOutputs, noSpend } from "./cost.ts";
import { readInputs } from "./inputs.ts";
import { OUTPUT_NAMES, runAction, type ActionIO } from "./run.ts";
import { isEntryPoint } from "../entry.ts";

const io: ActionIO = {
  info: (line) => core.info(line),
  warning: (line, file) => core.warning(line, file !== undefined ? { file } : {}),
  error: (line, file) => core.error(line, file !== undefined ? { file } : {}),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
  setSecret: (secret) => core.setSecret(secret),
  async appendSummary(markdown) {
    // core.summary needs GITHUB_STEP_SUMMARY; a local run without it just skips the summary.
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  },
};

/**
 * SIGINT/SIGTERM stop solving with the CLI's rule: the first signal stops the run cleanly, which
 * publishes what is done, writes the partial report and edits the comment; a second SIGINT
 * (Ctrl-C twice) ends the process at once. A cancelled job gets SIGINT, then SIGTERM 7.5 s later,
 * then SIGKILL 2.5 s after that: that SIGTERM must not cut the publishing short, so after the
 * first signal it is only noted.
 */
function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (name === "SIGINT") {
        core.error("SIGINT again: ending at once");
        process.exit(130);
      }
      core.warning(`${name}: still publishing what is done`);
      return;
    }
    core.warning(`${name}: stopping; publishing what is done and writing the partial report (send it again to end at once)`);
    controller.abort(`interrupted by ${name}`);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

export async function run(): Promise<void> {
  const stop = stopOnSignals();
  try {
    const inputs = readInputs((name) => core.getInput(name));
    const result = await runAction(inputs, readContext(process.env), process.env, io, { signal: stop.signal });
    for (const name of OUTPUT_NAMES) core.setOutput(name, result.outputs[name]);
    if (result.failure !== undefined) core.setFailed(result.failure);
  } catch (error) {
    // Nothing was spent before the run started: the cost outputs say 0, never empty.
    for (const [name, value] of Object.entries(costOutputs(noSpend()))) core.setOutput(name, value);
    // One line, no stack: the messages name the input, file or setting and what to do. Masked
    // here too, as this may run before the inputs (and so the secrets) were read.
    core.setFailed(redact((error as Error).message, [process.env["INPUT_GITHUB-TOKEN"], process.env["INPUT_API-KEY"], process.env["INPUT_JUDGE-API-KEY"]]));
  } finally {
    stop.dispose();
  }
}

if (isEntryPoint(import.meta.url)) await run();
