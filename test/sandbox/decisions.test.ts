// The sandbox's pure decisions: verdicts, run classification, limits, backend choice, argument lists.
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/sandbox/types.ts";
import { verdictFor } from "../../src/sandbox/verdict.ts";
import { JUDGE_PROGRAM_FAILED, judgedResult, type RelayOutcome } from "../../src/sandbox/judge.ts";
import { classifyRun, type Collected } from "../../src/sandbox/status.ts";
import { enforcedLimits, runnerFlags } from "../../src/sandbox/limits.ts";
import { chooseBackend, runKey } from "../../src/sandbox/pool.ts";
import { bwrapArgs } from "../../src/sandbox/backends/bwrap.ts";
import { dockerClientEnv, dockerRunArgs } from "../../src/sandbox/backends/docker.ts";
import { parentDirs } from "../../src/sandbox/backends/bwrap.ts";
import { cgroupDir, cgroupField, parseCgroupMounts, parseOwnCgroups, type CgroupMount } from "../../src/sandbox/backends/cgroup.ts";
import { DEFAULT_SANDBOX_UID, describeProgramUser, sandboxUidBase, sandboxUser } from "../../src/sandbox/user.ts";
import { usernsBlocker, bwrapAppArmorProfile, limitNotes } from "../../src/sandbox/detect.ts";
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
  it("accepts an assertion test only on the judge's word, and says when nothing could be compared", () => {
    const assertTest = { name: "a", input: "", assert: "assert True" };
    expect(verdictFor({ ...ok, judged: { passed: true, message: "" } }, assertTest, null)).toEqual({ verdict: "accepted" });
    // a clean run of the program alone is no pass (issue 21: it may have exited at import)
    expect(verdictFor(ok, assertTest, null)).toEqual({ verdict: "wrong-answer", message: "the assertion test was not judged" });
    expect(verdictFor({ ...ok, judged: { passed: false, message: "AssertionError" } }, assertTest, null)).toEqual({ verdict: "wrong-answer", message: "AssertionError" });
    expect(verdictFor(ok, { name: "a", input: "" }, null).message).toContain("no expected output");
  });
});

describe("judgedResult: an assertion test from the program's run, the judge's run and the relay", () => {
  const run = (over: Partial<RunResult> = {}): RunResult => ({ ...ok, output: "", stderrTail: "", ...over });
  const relay = (over: Partial<RelayOutcome> = {}): RelayOutcome => ({ passed: true, calls: 2, violation: null, ...over });
  it("passes only with the judge's pass, a clean judge and a clean program", () => {
    expect(judgedResult(run(), run(), relay())).toMatchObject({ status: "ok", judged: { passed: true }, output: "all assertions held (2 calls)" });
    expect(judgedResult(run(), run(), relay({ passed: false })).judged).toEqual({ passed: false, message: "the test code ended before its end (it exited early)" });
    expect(judgedResult(run(), run({ status: "runtime-error", exitCode: 1, stderrTail: "Traceback\nAssertionError" }), relay({ passed: false }))).toMatchObject({ status: "ok", judged: { passed: false, message: "Traceback\nAssertionError" } });
  });
  it("the program's own failure and any violation of the channel come first", () => {
    expect(judgedResult(run({ status: "time-limit" }), run(), relay())).toMatchObject({ status: "time-limit", judged: { passed: false } });
    expect(judgedResult(run(), run(), relay({ violation: "the program wrote on the answer channel without being asked" }))).toMatchObject({ status: "runtime-error", judged: { passed: false } });
    const gone = judgedResult(run(), run({ status: "runtime-error", exitCode: JUDGE_PROGRAM_FAILED, stderrTail: "sstar judge: the program ended without answering call 1" }), relay({ passed: false }));
    expect(gone).toMatchObject({ status: "runtime-error", judged: { passed: false, message: "sstar judge: the program ended without answering call 1" } });
  });
  it("a judge that ran out of time says so", () => {
    expect(judgedResult(run(), run({ status: "time-limit" }), relay({ passed: false })).judged?.message).toBe("the test code ended with time-limit");
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
  it("whole-run limits: the cgroup's OOM kill or the runner's memory sum is memory-limit; the cgroup's CPU counts", () => {
    expect(classifyRun(collected({ report: report({ exit: -1, signal: 9 }), cgroup: { cpuMs: 40, oomKilled: true } }), limits, "stdio").status).toBe("memory-limit");
    expect(classifyRun(collected({ report: null, cgroup: { cpuMs: 40, oomKilled: true } }), limits, "stdio").status).toBe("memory-limit");
    expect(classifyRun(collected({ report: report({ exit: -1, signal: 9, memKilled: true }) }), limits, "stdio").status).toBe("memory-limit");
    expect(classifyRun(collected({ cgroup: { cpuMs: 1200, oomKilled: false } }), limits, "stdio")).toMatchObject({ status: "time-limit", timeMs: 1200 });
    expect(classifyRun(collected({ cgroup: { cpuMs: 60, oomKilled: false } }), limits, "stdio")).toMatchObject({ status: "ok", timeMs: 60 });
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
    name: "sstar-1-ab-7",
    image: "debian:bookworm-slim",
    layout: [{ kind: "symlink" as const, path: "/bin", target: "usr/bin" }, { kind: "ro-bind" as const, path: "/usr" }],
    runner: "/r/runner",
    binds: ["/opt/python"],
  };
  const a = dockerRunArgs(spec, { ...request, dataDir: "/tmp/sstar-sandbox-x/data/d1" });
  const joined = a.join(" ");
  it("runs each program in a locked-down container of its own, removed afterwards", () => {
    expect(a.slice(0, 5)).toEqual(["run", "--rm", "--interactive", "--name", "sstar-1-ab-7"]);
    for (const s of ["--network none", "--read-only", "--user 65534:65534", "--cap-drop ALL", "--security-opt no-new-privileges", "--init"]) expect(joined).toContain(s);
    expect(a).not.toContain("exec");
  });
  it("mounts only this run's program, binary and data, read-only", () => {
    expect(joined).toContain("type=bind,source=/tmp/sstar-sandbox-x/prog/abc,target=/box,readonly");
    expect(joined).toContain("type=bind,source=/tmp/sstar-sandbox-x/bin/abc,target=/build,readonly");
    expect(joined).toContain("type=bind,source=/tmp/sstar-sandbox-x/data/d1,target=/data,readonly");
    // nothing else of the sandbox's root: no other candidate's code, no other run's answers
    const sandboxMounts = a.filter((x) => x.includes("/tmp/sstar-sandbox-x"));
    expect(sandboxMounts).toHaveLength(3);
    expect(joined).not.toMatch(/source=\/tmp\/sstar-sandbox-x,/);
    expect(joined).toContain("type=bind,source=/usr/bin,target=/bin,readonly");
    expect(joined).toContain("type=bind,source=/opt/python,target=/opt/python,readonly");
  });
  it("gives the run a fresh, sized /tmp and /dev/shm, counted in its own memory limit, and no user site-packages", () => {
    const l = request.limits;
    expect(joined).toContain(`--tmpfs /tmp:rw,exec,nosuid,size=${l.tmpBytes}`);
    expect(joined).toContain(`--shm-size ${l.shmBytes}`);
    expect(joined).toContain(`--memory ${l.runMemoryBytes + 8 * 1024 * 1024} --memory-swap ${l.runMemoryBytes + 8 * 1024 * 1024}`);
    expect(joined).toContain(`--pids-limit ${l.processes + 8}`);
    expect(joined).toContain("--env PYTHONNOUSERSITE=1");
    expect(a.slice(-2)).toEqual(["/opt/python/bin/python3", "/box/solution.py"]);
  });
  it("makes the binary's folder writable only for compiles", () => {
    expect(dockerRunArgs(spec, { ...request, binWritable: true }).join(" ")).toContain("source=/tmp/sstar-sandbox-x/bin/abc,target=/build ");
  });
  it("passes only the docker client's own settings through", () => {
    expect(dockerClientEnv({ DOCKER_HOST: "unix:///x", GITHUB_TOKEN: "t" })).toEqual({ DOCKER_HOST: "unix:///x" });
  });
});

describe("bwrapArgs as root", () => {
  const args = bwrapArgs({ layout: [{ kind: "ro-bind", path: "/usr" }, { kind: "ro-bind", path: "/etc/ld.so.cache" }], runner: "/root/.cache/sstar/runner-1", request: { ...request, binds: ["/root/.pyenv/versions/3.11.7"] }, user: { uid: 100000003, gid: 100000003 }, watchMemory: true });
  const joined = args.join(" ");
  it("makes no user namespace (it would map the program to host root) and keeps for the runner only what dropping to the program's uid needs", () => {
    expect(args).not.toContain("--unshare-user");
    expect(args).not.toContain("--unshare-all");
    for (const flag of ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup", "--as-pid-1"]) expect(args).toContain(flag);
    expect(joined).toContain("--cap-drop ALL --cap-add CAP_SETUID --cap-add CAP_SETGID --cap-add CAP_KILL --cap-add CAP_SYS_PTRACE");
    expect(joined).toContain("-u 100000003 -G 100000003");
  });
  it("opens the folders above the binds for that uid, makes / and /dev read-only, and sizes /tmp and /dev/shm", () => {
    expect(joined).toContain("--perms 0755 --dir /etc");
    expect(joined).toContain("--perms 0755 --dir /root --perms 0755 --dir /root/.pyenv --perms 0755 --dir /root/.pyenv/versions");
    expect(joined).toContain("--remount-ro /dev");
    expect(joined).toContain("--remount-ro / ");
    expect(joined).toContain("--proc /proc --ro-bind /proc/sys /proc/sys");
    const { tmpBytes, shmBytes, runMemoryBytes } = request.limits;
    expect(joined).toContain(`--perms 1777 --size ${tmpBytes} --tmpfs /tmp --perms 1777 --size ${shmBytes} --tmpfs /dev/shm`);
    // together no more than the memory limit: files alone can't exceed it, whatever the sampler sees
    expect(tmpBytes + shmBytes).toBe(runMemoryBytes);
  });
  it("hands the program the result channel only for a function harness; the runner closes every other descriptor", () => {
    expect(joined).toMatch(/ -k 4 /);
    expect(bwrapArgs({ layout: [], runner: "/r", request: { ...request, resultBytes: 0 } }).join(" ")).not.toContain("-k ");
  });
  it("without a cgroup, asks the runner to sum the run's memory with both tmpfs", () => {
    expect(joined).toContain(`-m ${request.limits.runMemoryBytes} -t /tmp -t /dev/shm`);
    expect(bwrapArgs({ layout: [], runner: "/r", request }).join(" ")).not.toContain(" -m ");
  });
  it("lists the folders above paths, leaving out the system folders", () => {
    expect(parentDirs(["/usr/lib/x", "/opt/a/b", "/opt/a/c"])).toEqual(["/opt", "/opt/a"]);
  });
});

describe("who programs run as", () => {
  it("as root: a uid of the slot's own, never 0; otherwise unchanged", () => {
    expect(sandboxUser(0, 2, DEFAULT_SANDBOX_UID)).toEqual({ uid: DEFAULT_SANDBOX_UID + 2, gid: DEFAULT_SANDBOX_UID + 2 });
    expect(sandboxUser(1000, 2, DEFAULT_SANDBOX_UID)).toBeUndefined();
    expect(sandboxUidBase({ SSTAR_SANDBOX_UID: "70000" })).toBe(70000);
    expect(() => sandboxUidBase({ SSTAR_SANDBOX_UID: "0" })).toThrow(/SSTAR_SANDBOX_UID/);
    expect(describeProgramUser(0, 2, 5000)).toContain("host uid 5000-5001");
    expect(describeProgramUser(1000, 2, 5000)).toContain("host uid 1000 (yours");
  });
});

describe("cgroups", () => {
  const mountinfo = [
    "30 25 0:26 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory",
    "31 25 0:27 / /sys/fs/cgroup/pids rw,relatime shared:10 - cgroup cgroup rw,pids",
    "32 25 0:28 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct",
    "33 25 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate",
    "34 25 0:30 / /proc rw - proc proc rw",
  ].join("\n");
  it("reads the cgroup mounts and our own groups", () => {
    const mounts = parseCgroupMounts(mountinfo);
    expect(mounts.map((m) => [m.version, m.mountPoint])).toEqual([[1, "/sys/fs/cgroup/memory"], [1, "/sys/fs/cgroup/pids"], [1, "/sys/fs/cgroup/cpu,cpuacct"], [2, "/sys/fs/cgroup/unified"]]);
    expect(mounts[2]?.controllers).toEqual(["cpu", "cpuacct"]);
    const own = parseOwnCgroups("4:memory:/process_api/x\n2:cpu,cpuacct:/docker/abc/y\n0::/user.slice\n");
    expect(own.get("memory")).toBe("/process_api/x");
    expect(own.get("cpuacct")).toBe("/docker/abc/y");
    expect(own.get("")).toBe("/user.slice");
    expect(cgroupDir(mounts[0] as CgroupMount, "/process_api/x")).toBe("/sys/fs/cgroup/memory/process_api/x");
    // a mount whose root is our container's group: the path is relative to it
    expect(cgroupDir(mounts[2] as CgroupMount, "/docker/abc/y")).toBe("/sys/fs/cgroup/cpu,cpuacct/y");
  });
  it("reads flat-keyed counters", () => {
    expect(cgroupField("usage_usec 1500\nuser_usec 1000\n", "usage_usec")).toBe(1500);
    expect(cgroupField("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "oom_kill")).toBe(2);
    expect(cgroupField(null, "oom_kill")).toBeNull();
  });
  it("says what enforces each limit", () => {
    expect(limitNotes({ kind: "cgroup2", parent: "/sys/fs/cgroup/sstar" }).join("\n")).toMatch(/cgroup v2 per run under \/sys\/fs\/cgroup\/sstar.*memory.max/);
    expect(limitNotes({ kind: "none", reason: "no cgroup can be made under /x" }).join("\n")).toMatch(/no cgroup: no cgroup can be made under \/x[\s\S]*PSS[\s\S]*RUSAGE_CHILDREN/);
    for (const setup of [{ kind: "none" as const, reason: "x" }, { kind: "cgroup2" as const, parent: "/p" }]) expect(limitNotes(setup).join("\n")).toMatch(/closes all but stdin, stdout, stderr[\s\S]*act on the caller only/);
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
    expect(runArgv({ language: "python", io: { kind: "function", name: "f", params: [], returns: "any" }, assert: true, interpreter: "/py", box: "/box", bin: "/build", limits: l })).toEqual(["/py", "-u", "-B", "/box/harness.py", "/box/solution.py", "f", "serve"]);
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
