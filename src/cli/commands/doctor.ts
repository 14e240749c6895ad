// `sstar doctor`: which sandbox backends work here (and why not), the interpreters and their
// versions, how each limit is enforced, and the local model's state (library, weights, threads). Exit 0 when some isolating backend works, else 1.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { localModelState, localStateLines } from "../../local/index.ts";
import { detectBackends, detectInterpreters, detectLimits, type BackendReport, type InterpreterReport, type LimitsReport } from "../../sandbox/index.ts";

export function doctorLines(backends: BackendReport[], interpreters: InterpreterReport[], limits: LimitsReport): string[] {
  const lines = ["Sandbox backends (auto picks the first that works of bwrap, docker):"];
  for (const b of backends) {
    const where = [b.path, b.version].filter(Boolean).join(" ");
    lines.push(`  ${b.available ? "ok  " : "no  "} ${b.name}${where ? ` (${where})` : ""}${b.available ? "" : `: ${b.reason ?? "unavailable"}`}`);
    for (const n of b.notes) lines.push(`         ${n}`);
  }
  lines.push("Languages:");
  for (const i of interpreters) lines.push(`  ${i.available ? "ok  " : "no  "} ${i.language}${i.available ? ` ${i.version ?? ""} (${i.path ?? ""})` : `: ${i.reason ?? ""}`}`);
  lines.push("Limits:");
  lines.push(`  user: ${limits.programUser}`);
  lines.push("  time: CPU time (RLIMIT_CPU) and wall clock, enforced by the runner; verdict on CPU time");
  lines.push("  memory per process: RLIMIT_AS (Python, C++); V8 heap limit and RLIMIT_DATA (JavaScript); peak RSS measured");
  lines.push("  output: capped by the reader (the program is killed past the cap); files: RLIMIT_FSIZE; / read-only, /tmp and /dev/shm sized to the memory limit");
  // The runner always installs it and refuses to run a program without it (docs/sandbox.md).
  lines.push("  system calls: seccomp filter set by the runner (no tracing, namespaces, mounts, keyrings, bpf, perf, userfaultfd, io_uring)");
  for (const n of limits.notes) lines.push(`  ${n}`);
  return lines;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("show which sandbox backends and languages work here, and how limits are enforced")
    .option("--json", "print the findings as JSON")
    .action(async (opts: { json?: boolean }) => {
      const [backends, interpreters] = await Promise.all([detectBackends({ log: (l) => process.stderr.write(`${l}\n`) }), detectInterpreters()]);
      const limits = detectLimits(availableParallelism());
      const local = localModelState();
      if (opts.json === true) process.stdout.write(`${JSON.stringify({ backends, interpreters, limits, local }, null, 2)}\n`);
      else process.stdout.write(`${[...doctorLines(backends, interpreters, limits), ...localStateLines(local)].join("\n")}\n`);
      process.exitCode = backends.some((b) => b.available && b.name !== "none") ? 0 : 1;
    });
}
