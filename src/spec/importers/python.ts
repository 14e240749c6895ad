// Finding a Python interpreter for importers that need one (HumanEval's example check).
// `python3` may be a slow shim (pyenv): resolve it once to the real executable.
import { execa } from "execa";
import { probeOptions } from "../../sandbox/toolchain.ts";

let cached: Promise<string> | undefined;

/** The real path of a Python 3 interpreter: $SSTAR_PYTHON, else python3 / python on PATH. */
export function resolvePython(): Promise<string> {
  cached ??= (async () => {
    const env = process.env["SSTAR_PYTHON"];
    const candidates = env !== undefined && env !== "" ? [env] : ["python3", "python"];
    for (const cmd of candidates) {
      try {
        const r = await execa(cmd, ["-c", "import sys; assert sys.version_info >= (3, 9); print(sys.executable)"], { timeout: 30_000, ...probeOptions() });
        const exe = r.stdout.trim();
        if (exe !== "") return exe;
      } catch {
        // try the next candidate
      }
    }
    throw new Error(`no Python 3.9+ found (tried ${candidates.join(", ")}): install python3 or set SSTAR_PYTHON`);
  })();
  return cached;
}
