// The git command manager: writes files onto a fixed-name branch of the remote without touching
// the checkout's working tree, index or HEAD (a private index file and git plumbing), so one run
// can publish several problems in a row. Every command is an argument array run by execa, never a
// shell. The push token travels in the git process's environment as a config entry
// (GIT_CONFIG_COUNT/KEY/VALUE): never in the remote URL, in argv, in .git/config or in a log.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { execa } from "execa";
import { toolEnv } from "../sandbox/toolchain.ts";

export interface GitIdentity {
  name: string;
  email: string;
}

/** The identity GitHub shows for commits made by Actions. */
export const BOT_IDENTITY: GitIdentity = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
};

export interface GitAuth {
  token: string;
  /** The server whose URLs get the header, e.g. https://github.com (GITHUB_SERVER_URL). */
  serverUrl: string;
}

export interface FileToCommit {
  /** Path inside the repository (POSIX, relative). */
  path: string;
  content: string;
}

export interface CommitRequest {
  /** Branch the work starts from, e.g. main. */
  base: string;
  /** Branch written to, e.g. sstar/issue-7. */
  branch: string;
  files: FileToCommit[];
  message: string;
  identity?: GitIdentity;
}

export interface CommitResult {
  /** Tip of the branch after the call (unchanged tip when nothing was pushed). */
  sha: string;
  /** True when a commit was made and pushed. */
  pushed: boolean;
  /** True when the push replaced the branch's history (it no longer contained the base). */
  reset: boolean;
  /** Why nothing was pushed, when nothing was. */
  reason?: "unchanged" | "base-has-it";
}

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

/** Rejects absolute paths, `..`, `.git` and odd characters: these paths may come from a bundle. */
export function checkRepoPath(path: string): string {
  const normalized = posix.normalize(path);
  if (
    path === "" ||
    path.length > 255 ||
    path !== normalized ||
    path.startsWith("/") ||
    normalized.split("/").some((part) => part === ".." || part === "." || part.toLowerCase() === ".git") ||
    !/^[A-Za-z0-9._/-]+$/.test(path)
  ) {
    throw new GitError(`refusing to write ${JSON.stringify(path)}: a repository path must be relative, normalized, outside .git, and use only letters, digits, '.', '_', '-' and '/'`);
  }
  return path;
}

/** A branch name git and GitHub accept (checked like `git check-ref-format --branch`, simplified). */
export function checkBranchName(name: string): string {
  if (
    !/^[A-Za-z0-9._/-]{1,200}$/.test(name) ||
    name.startsWith("/") ||
    name.endsWith("/") ||
    name.endsWith(".") ||
    name.endsWith(".lock") ||
    name.startsWith("-") ||
    name.includes("..") ||
    name.includes("//") ||
    name.split("/").some((part) => part.startsWith("."))
  ) {
    throw new GitError(`invalid branch name ${JSON.stringify(name)}`);
  }
  return name;
}

/** Runs one git command in the checkout (argument array, allow-listed environment); `auth` adds the push credential. */
type RunGit = (args: string[], options?: { env?: Record<string, string>; input?: string; allowFailure?: boolean; auth?: boolean }) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

/**
 * The git command manager, one method per operation a publication needs: open the checkout,
 * read the remote's branches, read a file, commit files onto a branch. Each operation is a
 * function below, over one `RunGit`.
 */
export class GitCommandManager {
  private constructor(
    readonly dir: string,
    private readonly remote: string,
    private readonly run: RunGit,
  ) {}

  /**
   * Opens the repository at `dir` (a checkout). `mask` is called with every derived secret (the
   * encoded credential) so the caller can hide it from logs.
   */
  static async open(dir: string, options: { remote?: string; auth?: GitAuth; mask?: (secret: string) => void } = {}): Promise<GitCommandManager> {
    const run = gitRunner(dir, authEnvFor(options.auth, options.mask));
    const inside = await run(["rev-parse", "--is-inside-work-tree"], { allowFailure: true });
    if (inside.exitCode !== 0 || inside.stdout !== "true") throw new GitError(`${dir} is not a git checkout (run actions/checkout first)`);
    return new GitCommandManager(dir, options.remote ?? "origin", run);
  }

  /** The remote branch's tip, or undefined when the branch does not exist. */
  remoteBranchSha(branch: string): Promise<string | undefined> {
    return remoteBranchSha(this.run, this.remote, branch);
  }

  /** Fetches a remote branch into refs/remotes/<remote>/<branch>; returns its sha. */
  fetchBranch(branch: string): Promise<string> {
    return fetchBranch(this.run, this.remote, branch);
  }

  revParse(rev: string): Promise<string> {
    return revParse(this.run, rev);
  }

  /** The file's content at the remote branch's tip (after `fetchBranch`), or undefined. */
  async readFile(rev: string, path: string): Promise<string | undefined> {
    const r = await this.run(["show", `${rev}:${checkRepoPath(path)}`], { allowFailure: true });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  /**
   * Writes `files` onto `branch` of the remote, starting from `base`:
   * - the branch already holds these exact files: nothing is committed or pushed;
   * - the branch exists and contains the base: one commit on top of it (fast-forward push);
   * - otherwise (new branch, or the base moved past it): one commit on the base's tip, pushed with
   *   a lease on the old tip so a concurrent push is never silently overwritten.
   */
  commitFiles(request: CommitRequest): Promise<CommitResult> {
    return commitFiles(this.run, this.remote, request);
  }
}

// ---------- running git ----------

/**
 * The push credential as git config entries in the environment. An empty value first resets
 * headers inherited from config files (actions/checkout persists its own), so the server never
 * sees two Authorization headers.
 */
function authEnvFor(auth: GitAuth | undefined, mask: ((secret: string) => void) | undefined): Record<string, string> {
  if (auth === undefined || auth.token === "") return {};
  const credential = Buffer.from(`x-access-token:${auth.token}`, "utf8").toString("base64");
  mask?.(credential);
  const key = `http.${new URL(auth.serverUrl).origin}/.extraheader`;
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: "",
    GIT_CONFIG_KEY_1: key,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${credential}`,
  };
}

function gitRunner(dir: string, authEnv: Record<string, string>): RunGit {
  return async (args, options = {}) => {
    const result = await execa("git", args, {
      cwd: dir,
      // An allow-listed environment: git needs no model key or token of ours beyond the push credential.
      env: { ...toolEnv(), GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", LC_ALL: "C", ...(options.auth === true ? authEnv : {}), ...options.env },
      extendEnv: false,
      ...(options.input !== undefined ? { input: options.input } : { stdin: "ignore" }),
      reject: false,
      stripFinalNewline: true,
    });
    const exitCode = result.exitCode ?? 1;
    if (exitCode !== 0 && options.allowFailure !== true) {
      const detail = String(result.stderr).trim().split("\n").slice(-3).join(" | ");
      throw new GitError(`git ${args[0]} failed (exit ${exitCode}): ${detail}`);
    }
    return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode };
  };
}

// ---------- branches and objects ----------

async function remoteBranchSha(run: RunGit, remote: string, branch: string): Promise<string | undefined> {
  const { stdout } = await run(["ls-remote", "--heads", remote, `refs/heads/${checkBranchName(branch)}`], { auth: true });
  const line = stdout.split("\n").find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line?.split("\t")[0];
}

async function fetchBranch(run: RunGit, remote: string, branch: string): Promise<string> {
  checkBranchName(branch);
  const ref = `refs/remotes/${remote}/${branch}`;
  await run(["fetch", "--no-tags", "--no-recurse-submodules", "--quiet", remote, `+refs/heads/${branch}:${ref}`], { auth: true });
  return revParse(run, ref);
}

async function revParse(run: RunGit, rev: string): Promise<string> {
  return (await run(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`])).stdout;
}

/** The blob id `content` gets (written to the object store when `write`). */
async function hashContent(run: RunGit, content: string, write: boolean): Promise<string> {
  return (await run(["hash-object", ...(write ? ["-w"] : []), "--stdin"], { input: content })).stdout;
}

/** The blob id at `path` in `commit`, or undefined. */
async function blobAt(run: RunGit, commit: string, path: string): Promise<string | undefined> {
  const r = await run(["rev-parse", "--verify", "--quiet", `${commit}:${path}`], { allowFailure: true });
  return r.exitCode === 0 ? r.stdout : undefined;
}

async function isAncestor(run: RunGit, ancestor: string, descendant: string): Promise<boolean> {
  const r = await run(["merge-base", "--is-ancestor", ancestor, descendant], { allowFailure: true });
  return r.exitCode === 0;
}

// ---------- commit and push ----------

async function commitFiles(run: RunGit, remote: string, request: CommitRequest): Promise<CommitResult> {
  checkBranchName(request.base);
  checkBranchName(request.branch);
  // sstar only ever writes its own branch; a pull request is how anything reaches the base.
  if (request.branch === request.base) throw new GitError(`refusing to push to ${JSON.stringify(request.branch)}: it is the base branch; sstar writes only its own branches (check branch-prefix)`);
  if (request.files.length === 0) throw new GitError("nothing to commit: no files given");
  const files = request.files.map((f) => ({ path: checkRepoPath(f.path), content: f.content }));

  let baseSha: string;
  try {
    baseSha = await fetchBranch(run, remote, request.base);
  } catch (error) {
    throw new GitError(`base branch ${JSON.stringify(request.base)} could not be fetched from ${remote}: ${(error as Error).message}`);
  }
  const oldTip = await remoteBranchSha(run, remote, request.branch);
  if (oldTip !== undefined) {
    const tip = await fetchBranch(run, remote, request.branch);
    const same = await Promise.all(files.map(async (f) => (await blobAt(run, tip, f.path)) === (await hashContent(run, f.content, false))));
    if (same.every(Boolean)) return { sha: tip, pushed: false, reset: false, reason: "unchanged" };
  }
  const onTop = oldTip !== undefined && (await isAncestor(run, baseSha, oldTip));
  const parent = onTop ? oldTip : baseSha;
  const sha = await commitOnParent(run, parent, files, request.message, request.identity ?? BOT_IDENTITY);
  // Nothing to add on top of the base: a branch would only repeat it.
  if (sha === undefined) return { sha: parent, pushed: false, reset: false, reason: oldTip === undefined || !onTop ? "base-has-it" : "unchanged" };
  await run(["push", "--quiet", "--no-verify", `--force-with-lease=refs/heads/${request.branch}:${oldTip ?? ""}`, remote, `${sha}:refs/heads/${request.branch}`], { auth: true });
  await run(["update-ref", `refs/remotes/${remote}/${request.branch}`, sha]);
  return { sha, pushed: true, reset: oldTip !== undefined && !onTop };
}

/**
 * One commit of `files` on `parent`, made with a private index file (the checkout's working tree,
 * index and HEAD stay as they were); undefined when the files change nothing in the parent's tree.
 */
async function commitOnParent(run: RunGit, parent: string, files: FileToCommit[], message: string, identity: GitIdentity): Promise<string | undefined> {
  const scratch = await mkdtemp(join(tmpdir(), "sstar-git-"));
  try {
    const env = { GIT_INDEX_FILE: join(scratch, "index") };
    await run(["read-tree", parent], { env });
    for (const file of files) {
      const blob = await hashContent(run, file.content, true);
      await run(["update-index", "--add", "--cacheinfo", `100644,${blob},${file.path}`], { env });
    }
    const tree = (await run(["write-tree"], { env })).stdout;
    const parentTree = (await run(["rev-parse", `${parent}^{tree}`])).stdout;
    if (tree === parentTree) return undefined;
    const identityEnv = {
      GIT_AUTHOR_NAME: identity.name,
      GIT_AUTHOR_EMAIL: identity.email,
      GIT_COMMITTER_NAME: identity.name,
      GIT_COMMITTER_EMAIL: identity.email,
    };
    return (await run(["commit-tree", tree, "-p", parent, "-F", "-"], { env: identityEnv, input: message })).stdout;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
