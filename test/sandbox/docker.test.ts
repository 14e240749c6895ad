// The docker backend end to end: needs a docker engine, so it runs only where one is reachable
// (the argument construction is checked everywhere in decisions.test.ts).
import { describe, expect, it } from "vitest";
import { detectDocker } from "../../src/sandbox/detect.ts";
import { createSandbox, type RunRequest } from "../../src/sandbox/index.ts";

const engine = await detectDocker();
const py = (code: string): RunRequest => ({ program: { language: "python", code }, io: { kind: "stdio" }, input: "", limits: { timeMs: 5000, memoryMb: 256 } });

describe.skipIf(!engine.available)("docker backend (needs a docker engine)", () => {
  it("a run sees only its own program, and nothing one run writes is there for the next", async () => {
    const sb = await createSandbox({ backend: "docker", workers: 1, cache: false });
    try {
      const plant = await sb.run(py(`import os, site
open("/tmp/usercustomize.py", "w").write("print('PLANTED')")
os.makedirs(os.path.expanduser("~/.local/lib"), exist_ok=True)
print(sorted(os.listdir("/box")), site.ENABLE_USER_SITE)`));
      expect(plant.status, plant.stderrTail).toBe("ok");
      expect(plant.output).toContain("['solution.py'] False");
      const later = await sb.run(py(`import os\nprint(os.path.exists("/tmp/usercustomize.py"), sorted(os.listdir("/box")))`));
      expect(later.output).toBe("False ['solution.py']\n");
      expect(later.output).not.toContain("PLANTED");
    } finally {
      await sb.close();
    }
  });
});
