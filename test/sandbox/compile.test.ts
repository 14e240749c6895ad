// Compiling is a run like any other: held to the caps, binding only the toolchain's own folders,
// its binary within a disk budget.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSandbox, type RunRequest } from "../../src/sandbox/index.ts";
import { compileLimits } from "../../src/sandbox/limits.ts";
import { binariesToEvict } from "../../src/sandbox/programs.ts";
import { compilerFolders, toolchainBinds } from "../../src/sandbox/toolchain.ts";

const dir = mkdtempSync(join(tmpdir(), "sstar-compile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cpp = (code: string): RunRequest => ({ program: { language: "cpp", code }, io: { kind: "stdio" }, input: "", limits: { timeMs: 2000, memoryMb: 256 } });

describe("which folders a compile binds", () => {
  const search = "install: /home/u/gcc/lib/gcc/x86_64-pc-linux-gnu/13/\nprograms: =/home/u/gcc/libexec/gcc/x86_64-pc-linux-gnu/13/:/usr/lib/gcc/\nlibraries: =/home/u/gcc/lib/gcc/x86_64-pc-linux-gnu/13/../../../:/home/u/gcc/lib/gcc/x86_64-pc-linux-gnu/13/../../../../:/lib/\n";
  const verbose = "#include <...> search starts here:\n /home/u/gcc/include/c++/13\n /usr/include\nEnd of search list.\n";
  it("the compiler's bin folder and the folders it names, never the home folder or above, none inside another", () => {
    const candidates = compilerFolders("/home/u/gcc/bin/g++", search, verbose);
    expect(candidates).toContain("/home/u/gcc/bin");
    expect(candidates).toContain("/home/u/gcc/include/c++/13");
    const real = (p: string) => (p.includes("..") ? join(p) : p).replace(/\/$/, "");
    const binds = toolchainBinds(candidates, real, ["/home/u"]);
    // "../../../../" from lib/gcc/<triple>/13 is the prefix itself: allowed (not home), and it holds the rest
    expect(binds).toEqual(["/home/u/gcc"]);
    // a compiler right under ~/bin: its bin folder only, never ~ itself
    expect(toolchainBinds(compilerFolders("/home/u/bin/g++", "libraries: =/home/u/bin/../:/usr/lib/\n", ""), real, ["/home/u"])).toEqual(["/home/u/bin"]);
  });
});

describe("compile limits", () => {
  it("are lowered to the caps, and the binary is a file no larger than the compile's memory", () => {
    const l = compileLimits({ timeMs: 3000, memoryMb: 32 });
    expect(l.timeMs).toBe(3000);
    expect(l.runMemoryBytes).toBe(32 << 20);
    expect(l.fileSizeBytes).toBe(32 << 20);
    expect(compileLimits(undefined).timeMs).toBe(60_000);
  });
  it("evicts the least recently used idle binaries past the budget, never one in use", () => {
    const kept = [
      { key: "a", bytes: 50, lastUsed: 1, inUse: 0 },
      { key: "b", bytes: 50, lastUsed: 2, inUse: 1 },
      { key: "c", bytes: 50, lastUsed: 3, inUse: 0 },
    ];
    expect(binariesToEvict(kept, 50, 200)).toEqual([]);
    expect(binariesToEvict(kept, 60, 200)).toEqual(["a"]);
    expect(binariesToEvict(kept, 120, 200)).toEqual(["a", "c"]);
  });
});

describe("compiling in the sandbox", () => {
  it("a compiler under a home-like folder binds only its own folders: the files beside them stay out of compile errors", async () => {
    const token = `ghs_${randomBytes(10).toString("hex")}`;
    const home = join(dir, "home");
    mkdirSync(join(home, "bin"), { recursive: true });
    writeFileSync(join(home, "token"), `${token}\n`);
    // a compiler installed under the home folder (here a wrapper around the system's)
    writeFileSync(join(home, "bin", "g++"), `#!/bin/sh\nexec ${process.env.SSTAR_CXX ?? "g++"} "$@"\n`);
    chmodSync(join(home, "bin", "g++"), 0o755);
    const saved = process.env.SSTAR_CXX;
    process.env.SSTAR_CXX = join(home, "bin", "g++");
    const sb = await createSandbox({ workers: 1 });
    try {
      const r = await sb.run(cpp(`#include "${home}/token"\nint main() {}\n`));
      expect(r.status).toBe("compile-error");
      expect(r.stderrTail).not.toContain(token);
      expect(r.stderrTail).toMatch(/No such file or directory/);
      const ok = await sb.run(cpp("#include <cstdio>\nint main() { std::puts(\"built\"); }\n"));
      expect(ok, ok.stderrTail).toMatchObject({ status: "ok", output: "built\n" });
    } finally {
      if (saved === undefined) delete process.env.SSTAR_CXX;
      else process.env.SSTAR_CXX = saved;
      await sb.close();
    }
  });

  it("held to the caps: a compile over max-time-ms is a compile error; binaries past the disk budget are deleted and built again when needed", async () => {
    const capped = await createSandbox({ workers: 1, caps: { timeMs: 50, memoryMb: 256 } });
    try {
      const r = await capped.run(cpp("#include <bits/stdc++.h>\nint main() { std::cout << 1; }\n"));
      expect(r).toMatchObject({ status: "compile-error", stderrTail: "compilation timed out" });
    } finally {
      await capped.close();
    }
    const sb = await createSandbox({ workers: 1, binaryBudgetBytes: 1 });
    try {
      const prog = (n: number) => cpp(`#include <cstdio>\nint main() { std::printf("%d\\n", ${n}); }\n`);
      expect((await sb.run(prog(1))).output).toBe("1\n");
      const one = sb.binaryBytes;
      expect(one).toBeGreaterThan(0);
      expect((await sb.run(prog(2))).output).toBe("2\n");
      // the first binary was idle and over the budget: gone
      expect(sb.binaryBytes).toBeLessThanOrEqual(one * 1.5);
      const again = await sb.run({ ...prog(1), input: "x" });
      expect(again, again.stderrTail).toMatchObject({ status: "ok", output: "1\n" });
    } finally {
      await sb.close();
    }
  });
});
