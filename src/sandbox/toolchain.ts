// Finds the interpreters and compilers once per process. `python3` may be a pyenv shim (~200 ms per
// start): we ask it once for the real executable and run that from then on.
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { execa } from "execa";
import type { Language } from "../spec/schema.ts";

export interface Interpreter {
  language: Language;
  /** Real path of the executable (shims followed). */
  exe: string;
  version: string;
  /** Host directories the program needs read-only inside the sandbox (besides /usr and /lib*). */
  binds: string[];
}

/** Variables a trusted tool (git, an interpreter's version probe, the compiler) may see: never the model key or tokens. */
const TOOL_ENV = /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TZ|TMPDIR|XDG_CONFIG_HOME|XDG_CACHE_HOME|PYENV_[A-Z_]+|SSL_CERT_(FILE|DIR)|(HTTPS?|NO)_PROXY|(https?|no)_proxy|GIT_CONFIG_(GLOBAL|SYSTEM|NOSYSTEM)|GIT_SSL_CAINFO|GIT_EXEC_PATH)$/;

/** The allow-listed part of `env` for trusted tools. Pure. */
export function toolEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && TOOL_ENV.test(k)) out[k] = v;
  return out;
}

/** execa options for a probe of a trusted tool: the allow-listed environment only. */
export function probeOptions(): { env: Record<string, string>; extendEnv: false } {
  return { env: toolEnv(), extendEnv: false };
}

export function findExecutable(name: string, path: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Directories that the sandbox binds anyway; interpreters inside them need no extra bind. */
export const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

export function isUnderSystemDir(path: string): boolean {
  return SYSTEM_DIRS.some((d) => path === d || path.startsWith(`${d}/`));
}

const PY_PROBE =
  "import sys, json; print(json.dumps({'exe': sys.executable, 'prefix': sys.base_prefix, 'version': sys.version.split()[0]}))";

async function resolvePython(): Promise<Interpreter> {
  const candidate = process.env.SSTAR_PYTHON ?? findExecutable("python3") ?? findExecutable("python");
  if (candidate === undefined) throw new Error("sandbox: no python3 on PATH; install python3 or set SSTAR_PYTHON to its path");
  const { stdout } = await execa(candidate, ["-c", PY_PROBE], { timeout: 30_000, ...probeOptions() });
  const info = JSON.parse(stdout.trim()) as { exe: string; prefix: string; version: string };
  const exe = realpathSync(info.exe);
  const binds = new Set<string>();
  const prefix = realpathSync(info.prefix);
  if (!isUnderSystemDir(prefix)) binds.add(prefix);
  if (!isUnderSystemDir(exe) && !exe.startsWith(`${prefix}/`)) binds.add(dirname(exe));
  return { language: "python", exe, version: info.version, binds: [...binds] };
}

async function resolveNode(): Promise<Interpreter> {
  // The Node running sstar is the one we know works; SSTAR_NODE overrides.
  const exe = realpathSync(process.env.SSTAR_NODE ?? process.execPath);
  const { stdout } = await execa(exe, ["--version"], { timeout: 30_000, ...probeOptions() });
  return { language: "javascript", exe, version: stdout.trim().replace(/^v/, ""), binds: isUnderSystemDir(exe) ? [] : [exe] };
}

/**
 * The folders a compiler says it uses, from `-print-search-dirs` (install, programs, libraries) and
 * `-E -v` (the #include <...> list), plus its own bin folder. Pure.
 */
export function compilerFolders(exe: string, searchDirs: string, verbose: string): string[] {
  const out = [dirname(exe)];
  for (const line of searchDirs.split("\n")) {
    const m = /^(install|programs|libraries): =?(.*)$/.exec(line.trim());
    if (m !== null) out.push(...(m[2] as string).split(":").filter(Boolean));
  }
  const includes = /#include <\.\.\.> search starts here:\n([\s\S]*?)\nEnd of search list/.exec(verbose);
  if (includes !== null) out.push(...(includes[1] as string).split("\n").map((l) => l.trim()).filter(Boolean));
  return out;
}

/**
 * Which of the compiler's folders the compile step binds: real, existing paths outside the system
 * folders (bound anyway), never the home folder, the checkout or anything above them (a compiler
 * under ~/bin must not bring ~ along: a compile error would quote its files), and none inside another. Pure
 * but for `real` (realpath, or null when the folder doesn't exist).
 */
export function toolchainBinds(candidates: string[], real: (p: string) => string | null, protectedDirs: string[]): string[] {
  const within = (p: string, dir: string) => p === dir || p.startsWith(`${dir.endsWith("/") ? dir : `${dir}/`}`);
  const found = new Set<string>();
  for (const c of candidates) {
    const r = real(c);
    if (r === null || r === "/" || isUnderSystemDir(r)) continue;
    if (protectedDirs.some((d) => within(d, r))) continue;
    found.add(r);
  }
  const all = [...found].sort();
  return all.filter((p) => !all.some((q) => q !== p && within(p, q)));
}

function realDir(path: string): string | null {
  try {
    const r = realpathSync(path);
    return statSync(r).isDirectory() ? r : null;
  } catch {
    return null;
  }
}

async function resolveCpp(): Promise<Interpreter> {
  const candidate = process.env.SSTAR_CXX ?? findExecutable("g++") ?? findExecutable("c++");
  if (candidate === undefined) throw new Error("sandbox: no g++ on PATH; install it (apt-get install g++) or set SSTAR_CXX");
  const exe = realpathSync(candidate);
  const { stdout } = await execa(exe, ["-dumpfullversion", "-dumpversion"], { timeout: 30_000, ...probeOptions() });
  let binds: string[] = [];
  if (!isUnderSystemDir(exe)) {
    const search = await execa(exe, ["-print-search-dirs"], { timeout: 30_000, reject: false, ...probeOptions() });
    const verbose = await execa(exe, ["-E", "-v", "-x", "c++", "/dev/null", "-o", "/dev/null"], { timeout: 30_000, reject: false, ...probeOptions() });
    const protectedDirs = [homedir(), process.env.HOME, process.cwd()].filter((d): d is string => d !== undefined && d !== "").map((d) => realDir(d) ?? d);
    binds = toolchainBinds(compilerFolders(exe, String(search.stdout), String(verbose.stderr)), realDir, protectedDirs);
  }
  return { language: "cpp", exe, version: stdout.trim().split("\n")[0] ?? "", binds };
}

const cache = new Map<Language, Promise<Interpreter>>();

export function resolveInterpreter(language: Language): Promise<Interpreter> {
  let found = cache.get(language);
  if (found === undefined) {
    found = language === "python" ? resolvePython() : language === "javascript" ? resolveNode() : resolveCpp();
    found.catch(() => cache.delete(language));
    cache.set(language, found);
  }
  return found;
}
