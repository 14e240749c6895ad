// The sandbox's pure decisions: verdicts, run classification, limits, backend choice, argument lists.
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/sandbox/types.ts";
import { verdictFor } from "../../src/sandbox/verdict.ts";
import { classifyRun, type Collected } from "../../src/sandbox/status.ts";
import { enforcedLimits, runnerFlags } from "../../src/sandbox/limits.ts";
import { chooseBackend, runKey } from "../../src/sandbox/pool.ts";
import { bwrapArgs } from "../../src/sandbox/backends/bwrap.ts";
import { dockerClientEnv, dockerExecArgs, dockerRunArgs } from "../../src/sandbox/backends/docker.ts";
import { usernsBlocker, bwrapAppArmorProfile } from "../../src/sandbox/detect.ts";
import { languageFromPath, runArgv } from "../../src/sandbox/languages/index.ts";
import { truncateOutput } from "../../src/sandbox/grade.ts";
import type { ExecRequest } from "../../src/sandbox/backends/common.ts";

const ok: RunResult = { status: "ok", output: "3\n", stderrTail: "", exitCode: 0, signal: null, timeMs: 10, memoryKb: 1000 };
const test = { name: "t1", input: "1 2", output: "3" };

describe("verdictFor", () => {
  it("maps run statuses to verdicts, with the stderr tail", () => {
    expect(verdictFor({ ...ok, status: "time-limit" }, test, null).verdict).toBe("time-limit");
    expect(verdictFor({ ...ok, status: "memory-limit" }, test, null).verdict).toBe("memory-limit");
    expect(verdictFor({ ...ok, status: "output-limit" }, test, null).verdict).toBe("output-limit");
    expect(verdictFor({ ...ok, status: "compile-error", stderrTail: "x.cpp:1: error: boom" }, test, null)).toEqual({ verdict: "compile-error", message: "compile-error: x.cpp:1: error: boom" });
    expect(verdictFor({ ...ok, status: "runtime-error", exitCode: 1, stderrTail: "a\nb\nZeroDivisionError: division by zero\n" }, test, null)).toEqual({
      verdict: "runtime-error",
      message: "exit code 1: a\nb\nZeroDivisionError: division by zero",
    });
    expect(verdictFor({ ...ok, status: "runtime-error", exitCode: null, signal: "SIGSEGV" }, test, null).message).toBe("killed by SIGSEGV");
  });
  it("uses the checker when the run was clean", () => {
    expect(verdictFor(ok, test, { ok: true })).toEqual({ verdict: "accepted" });
    expect(verdictFor(ok, test, { ok: false, message: "token 1 differs" })).toEqual({ verdict: "wrong-answer", message: "token 1 differs" });
  });
  it("accepts assertion tests that ran cleanly, and says when nothing could be compared", () => {
    expect(verdictFor(ok, { name: "a", input: "", assert: "assert True" }, null)).toEqual({ verdict: "accepted" });
    expect(verdictFor(ok, { name: "a", input: "" }, null).message).toContain("no expected output");
  });
});

const limits = enforcedLimits({ timeMs: 1000, memoryMb: 256 }, "python");
const collected = (over: Partial<Collected> & { report?: Collected["report"] }): Collected => ({
  report: { exit: 0, signal: 0, cpuMs: 50, wallMs: 60, maxRssKb: 10_000, wallKilled: false, execError: 0 },
  stdout: "out",
  stderrTail: "",
  result: null,
  outputOverflow: false,
  guardKilled: false,
  outerWallMs: 70,
  sandboxExit: 0,
  sandboxSignal: null,
  ...over,
});
const report = (r: Partial<NonNullable<Collected["report"]>>) => ({ exit: 0, signal: 0, cpuMs: 50, wallMs: 60, maxRssKb: 10_000, wallKilled: false, execError: 0, ...r });

describe("classifyRun", () => {
  it("ok, with CPU time and peak memory", () => {
    expect(classifyRun(collected({}), limits, "stdio")).toMatchObject({ status: "ok", output: "out", timeMs: 50, memoryKb: 10_000, exitCode: 0 });
  });
  it("time limit: wall kill, SIGXCPU, CPU over the limit, or a hung sandbox", () => {
    expect(classifyRun(collected({ report: report({ wallKilled: true, signal: 9, exit: -1 }) }), limits, "stdio").status).toBe("time-limit");
    expect(classifyRun(collected({ report: report({ signal: 24, exit: -1 }) }), limits, "stdio").status).toBe("time-limit");
    expect(classifyRun(collected({ report: report({ cpuMs: 1001 }) }), limits, "stdio").status).toBe("time-limit");
    expect(classifyRun(collected({ report: null, guardKilled: true }), limits, "stdio").status).toBe("time-limit");
  });
  it("memory limit: MemoryError, bad_alloc, V8 heap, or peak RSS over the limit", () => {
    expect(classifyRun(collected({ report: report({ exit: 1 }), stderrTail: "Traceback...\nMemoryError\n" }), limits, "stdio").status).toBe("memory-limit");
    expect(classifyRun(collected({ report: report({ exit: -1, signal: 6 }), stderrTail: "terminate called after throwing an instance of 'std::bad_alloc'" }), limits, "stdio").status).toBe("memory-limit");
    expect(classifyRun(collected({ report: report({ exit: -1, signal: 5 }), stderrTail: "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory" }), limits, "stdio").status).toBe("memory-limit");
    expect(classifyRun(collected({ report: report({ maxRssKb: 300 * 1024 }) }), limits, "stdio").status).toBe("memory-limit");
    // a clean exit that merely prints the words is not a memory failure
    expect(classifyRun(collected({ stderrTail: "MemoryError" }), limits, "stdio").status).toBe("ok");
  });
  it("output limit beats everything; runtime errors otherwise", () => {
    expect(classifyRun(collected({ outputOverflow: true, report: null }), limits, "stdio").status).toBe("output-limit");
    expect(classifyRun(collected({ report: report({ exit: 3 }) }), limits, "stdio")).toMatchObject({ status: "runtime-error", exitCode: 3 });
    expect(classifyRun(collected({ report: report({ exit: -1, signal: 11 }) }), limits, "stdio")).toMatchObject({ status: "runtime-error", signal: "SIGSEGV", exitCode: null });
    expect(classifyRun(collected({ report: report({ execError: 2, exit: 127 }) }), limits, "stdio").status).toBe("runtime-error");
    expect(classifyRun(collected({ report: null }), limits, "stdio").status).toBe("runtime-error");
  });
  it("function contract: output is the result channel, and a missing result is an error", () => {
    expect(classifyRun(collected({ result: "[1,2]" }), limits, "function")).toMatchObject({ status: "ok", output: "[1,2]" });
    expect(classifyRun(collected({ result: null }), limits, "function").status).toBe("runtime-error");
  });
});

describe("limits", () => {
  it("derives CPU, wall, memory and process limits per language", () => {
    const py = enforcedLimits({ timeMs: 2000, memoryMb: 256 }, "python");
    expect(py).toMatchObject({ cpuSeconds: 3, wallMs: 5000, addressSpaceBytes: 256 << 20, dataBytes: null, processes: 64 });
    const js = enforcedLimits({ timeMs: 1500, memoryMb: 128, processes: 10, outputBytes: 100 }, "javascript");
    expect(js).toMatchObject({ cpuSeconds: 3, addressSpaceBytes: null, processes: 10, outputBytes: 100 });
    expect(js.dataBytes).toBeGreaterThan(128 << 20);
    expect(enforcedLimits({ timeMs: 1000, memoryMb: 512 }, "cpp").stackBytes).toBe(512 << 20);
    expect(runnerFlags(py)).toEqual(["-S", "-c", "3", "-w", "5000", "-s", String(64 << 20), "-p", "64", "-f", String(64 << 20), "-a", String(256 << 20)]);
  });
});

describe("chooseBackend", () => {
  const bw = { name: "bwrap" as const, available: true, notes: [] };
  const dk = { name: "docker" as const, available: false, reason: "docker is not installed", notes: [] };
  it("auto prefers bwrap, then docker, and refuses rather than run unisolated", () => {
    expect(chooseBackend("auto", [bw, dk])).toEqual({ name: "bwrap" });
    expect(chooseBackend("auto", [{ ...bw, available: false, reason: "no userns" }, { ...dk, available: true }])).toEqual({ name: "docker" });
    const refused = chooseBackend("auto", [{ ...bw, available: false, reason: "no userns" }, dk]);
    expect("error" in refused && refused.error).toMatch(/no isolation backend works here \(bwrap: no userns; docker: docker is not installed\).*"none" explicitly/);
  });
  it("honours an explicit choice, or says why it can't", () => {
    expect(chooseBackend("none", [])).toEqual({ name: "none" });
    expect(chooseBackend("docker", [dk])).toEqual({ error: "sandbox: backend docker is not available: docker is not installed" });
  });
});

describe("runKey", () => {
  it("changes with anything that changes the result", () => {
    const base = { program: { language: "python" as const, code: "print(1)" }, io: { kind: "stdio" as const }, input: "", limits: { timeMs: 1000, memoryMb: 64 } };
    expect(runKey(base)).toBe(runKey({ ...base }));
    expect(runKey(base)).not.toBe(runKey({ ...base, input: "x" }));
    expect(runKey(base)).not.toBe(runKey({ ...base, limits: { timeMs: 1001, memoryMb: 64 } }));
    expect(runKey(base)).not.toBe(runKey({ ...base, program: { language: "python", code: "print(2)" } }));
  });
});

const request: ExecRequest = {
  programDir: "/tmp/sstar-sandbox-x/prog/abc",
  binDir: "/tmp/sstar-sandbox-x/bin/abc",
  binWritable: false,
  binds: ["/opt/python"],
  limits: enforcedLimits({ timeMs: 1000, memoryMb: 64 }, "python"),
  stdin: "",
  resultBytes: 100,
  argv: (p) => ["/opt/python/bin/python3", `${p.box}/solution.py`],
};

describe("bwrapArgs", () => {
  const args = bwrapArgs({ layout: [{ kind: "symlink", path: "/bin", target: "usr/bin" }, { kind: "ro-bind", path: "/usr" }], runner: "/home/u/.cache/sstar/runner-1", request });
  const joined = args.join(" ");
  it("unshares everything, dies with its parent, and starts a new session", () => {
    for (const flag of ["--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv", "--disable-userns"]) expect(args).toContain(flag);
    expect(args).not.toContain("--share-net");
  });
  it("binds only system dirs, the interpreter, the program and the runner; all read-only", () => {
    expect(joined).toContain("--symlink usr/bin /bin");
    expect(joined).toContain("--ro-bind /usr /usr");
    expect(joined).toContain("--ro-bind /opt/python /opt/python");
    expect(joined).toContain("--ro-bind /tmp/sstar-sandbox-x/prog/abc /box");
    expect(joined).toContain("--ro-bind /tmp/sstar-sandbox-x/bin/abc /build");
    expect(args.filter((a) => a === "--bind")).toHaveLength(0);
    expect(joined).not.toContain(process.cwd());
    expect(joined).toMatch(/--size \d+ --tmpfs \/tmp/);
  });
  it("sets an allow-listed environment and runs the runner with the limits", () => {
    expect(joined).toContain("--setenv HOME /tmp");
    expect(joined).not.toMatch(/TOKEN|API_KEY/);
    expect(joined).toContain("/sstar/runner -S -c 2 -w 3000");
    expect(args.slice(-2)).toEqual(["/opt/python/bin/python3", "/box/solution.py"]);
  });
  it("binds an interpreter installed under /tmp after the private /tmp, so the tmpfs can't hide it", () => {
    const a = bwrapArgs({ layout: [], runner: "/r", request: { ...request, binds: ["/tmp/clone/node_modules/node"] } });
    const tmpfs = a.indexOf("--tmpfs");
    const bind = a.indexOf("/tmp/clone/node_modules/node");
    expect(tmpfs).toBeGreaterThan(0);
    expect(bind).toBeGreaterThan(tmpfs);
  });
  it("makes the bin dir writable only for compiles", () => {
    expect(bwrapArgs({ layout: [], runner: "/r", request: { ...request, binWritable: true } }).join(" ")).toContain("--bind /tmp/sstar-sandbox-x/bin/abc /build");
  });
});

describe("docker arguments", () => {
  const spec = {
    name: "sstar-1-w0",
    image: "debian:bookworm-slim",
    layout: [{ kind: "symlink" as const, path: "/bin", target: "usr/bin" }, { kind: "ro-bind" as const, path: "/usr" }],
    root: "/tmp/sstar-sandbox-x",
    bins: "/tmp/sstar-sandbox-x/bin",
    runner: "/r/runner",
    binds: ["/opt/python"],
    memoryMb: 512,
    pids: 72,
    tmpBytes: 1 << 26,
  };
  it("starts a locked-down long-lived container", () => {
    const a = dockerRunArgs(spec).join(" ");
    for (const s of ["--network none", "--read-only", "--user 65534:65534", "--cap-drop ALL", "--pids-limit 72", "--memory 512m", "--security-opt no-new-privileges", "sleep infinity"]) expect(a).toContain(s);
    expect(a).toContain("type=bind,source=/usr/bin,target=/bin,readonly");
    expect(a).toContain("type=bind,source=/opt/python,target=/opt/python,readonly");
    expect(a).toContain("type=bind,source=/tmp/sstar-sandbox-x,target=/sstar-root,readonly");
  });
  it("runs each program with docker exec, paths mapped into the container", () => {
    const a = dockerExecArgs("sstar-1-w0", request, "/tmp/sstar-sandbox-x", "/tmp/sstar-sandbox-x/bin");
    expect(a.slice(0, 2)).toEqual(["exec", "--interactive"]);
    expect(a).toContain("sstar-1-w0");
    expect(a.slice(-2)).toEqual(["/opt/python/bin/python3", "/sstar-root/prog/abc/solution.py"]);
    expect(a.join(" ")).toContain("--env HOME=/tmp");
  });
  it("passes only the docker client's own settings through", () => {
    expect(dockerClientEnv({ DOCKER_HOST: "unix:///x", GITHUB_TOKEN: "t" })).toEqual({ DOCKER_HOST: "unix:///x" });
  });
});

describe("user namespace detection", () => {
  it("names the blocker", () => {
    expect(usernsBlocker({ apparmorRestrict: "1\n" })).toMatch(/AppArmor/);
    expect(usernsBlocker({ apparmorRestrict: "0", unprivilegedClone: "0" })).toMatch(/unprivileged_userns_clone=0/);
    expect(usernsBlocker({ maxUserNamespaces: "0" })).toMatch(/max_user_namespaces=0/);
    expect(usernsBlocker({ apparmorRestrict: "0", unprivilegedClone: "1", maxUserNamespaces: "1000" })).toBeNull();
    expect(bwrapAppArmorProfile("/usr/bin/bwrap")).toContain("profile sstar-bwrap /usr/bin/bwrap flags=(unconfined)");
  });
});

describe("languages", () => {
  it("knows languages by extension", () => {
    expect(languageFromPath("a/b.py")).toBe("python");
    expect(languageFromPath("x.JS")).toBe("javascript");
    expect(languageFromPath("x.cc")).toBe("cpp");
    expect(languageFromPath("x.rb")).toBeUndefined();
  });
  it("builds run commands per contract", () => {
    const l = enforcedLimits({ timeMs: 1000, memoryMb: 64 }, "python");
    expect(runArgv({ language: "python", io: { kind: "stdio" }, assert: false, interpreter: "/py", box: "/box", bin: "/build", limits: l })).toEqual(["/py", "-u", "-B", "/box/solution.py"]);
    expect(runArgv({ language: "python", io: { kind: "function", name: "f", params: [], returns: "any" }, assert: true, interpreter: "/py", box: "/box", bin: "/build", limits: l })).toEqual(["/py", "-u", "-B", "/box/harness.py", "/box/solution.py", "f", "assert"]);
    expect(runArgv({ language: "cpp", io: { kind: "stdio" }, assert: false, interpreter: "/g++", box: "/box", bin: "/build", limits: l, extraArgs: ["/data/x"] })).toEqual(["/build/program", "/data/x"]);
    expect(() => runArgv({ language: "javascript", io: { kind: "function", name: "f", params: [], returns: "any" }, assert: true, interpreter: "/node", box: "/b", bin: "/c", limits: l })).toThrow(/only for Python/);
  });
});

describe("truncateOutput", () => {
  it("keeps short text and cuts long text with a marker", () => {
    expect(truncateOutput("abc")).toBe("abc");
    const cut = truncateOutput("x".repeat(5000));
    expect(cut.startsWith("x".repeat(4096))).toBe(true);
    expect(cut).toContain("[... 904 more bytes cut]");
  });
});
