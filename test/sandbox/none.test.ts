// The opt-in `none` backend: limits and a clean environment, with a warning that it is not isolation.
import { describe, expect, it } from "vitest";
import { createSandbox } from "../../src/sandbox/index.ts";

describe("backend none", () => {
  it("warns, runs with limits, and passes only the allow-listed environment", async () => {
    const lines: string[] = [];
    const secret = `sstar-none-secret-${process.pid}`;
    process.env.SSTAR_TEST_SECRET = secret;
    const sb = await createSandbox({ backend: "none", workers: 1, log: (l) => lines.push(l) });
    try {
      expect(sb.backend).toBe("none");
      expect(lines.join("\n")).toMatch(/NOT isolation/);
      const env = await sb.run({ program: { language: "python", code: "import os\nprint(sorted(os.environ))\nprint(os.environ.get('SSTAR_TEST_SECRET'))" }, io: { kind: "stdio" }, input: "", limits: { timeMs: 2000, memoryMb: 256 } });
      expect(env.status).toBe("ok");
      expect(env.output).not.toContain(secret);
      expect(env.output).toContain("None");
      const loop = await sb.run({ program: { language: "python", code: "while True: pass" }, io: { kind: "stdio" }, input: "", limits: { timeMs: 500, memoryMb: 256 } });
      expect(loop.status).toBe("time-limit");
      const hog = await sb.run({ program: { language: "python", code: "x = bytearray(2 * 10**9)" }, io: { kind: "stdio" }, input: "", limits: { timeMs: 2000, memoryMb: 128 } });
      expect(hog.status).toBe("memory-limit");
    } finally {
      delete process.env.SSTAR_TEST_SECRET;
      await sb.close();
    }
  });
});
