// The GitHub Action entry point: read inputs into one typed object, call the core.
import * as core from "@actions/core";

export async function run(): Promise<void> {
  core.info("sstar-action");
}

await run();
