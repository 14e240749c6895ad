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

export class GitCommandManager {
  private constructor(
    readonly dir: string,
    private readonly remote: string,
    private readonly authEnv: Record<string, string>,
  ) {}

  /**
   * Opens the repository at `dir` (a checkout). `mask` is called with every derived secret (the
   * encoded credential) so the caller can hide it from logs.
   */
  static async open(dir: string, options: { remote?: string; auth?: GitAuth; mask?: (secret: string) => void } = {}): Promise<GitCommandManager> {
    const authEnv: Record<string, string> = {};
    if (options.auth !== undefined && options.auth.token !== "") {
      const credential = Buffer.from(`x-access-token:${options.auth.token}`, "utf8").toString("base64");
      options.mask?.(credential);
      const key = `http.${new URL(options.auth.serverUrl).origin}/.extraheader`;
      // An empty value first resets headers inherited from config files (actions/checkout
      // persists its own), so the server never sees two Authorization headers.
      Object.assign(authEnv, {
        GIT_CONFIG_COUNT: "2",
        GIT_CONFIG_KEY_0: key,
        GIT_CONFIG_VALUE_0: "",
        GIT_CONFIG_KEY_1: key,
        GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${credential}`,
      });
    }
    const git = new GitCommandManager(dir, options.remote ?? "origin", authEnv);
    const inside = await git.run(["rev-parse", "--is-inside-work-tree"], { allowFailure: true });
    if (inside.exitCode !== 0 || inside.stdout !== "true") throw new GitError(`${dir} is not a git checkout (run actions/checkout first)`);
    return git;
  }

  private async run(
    args: string[],
    options: { env?: Record<string, string>; input?: string; allowFailure?: boolean; auth?: boolean } = {},
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const result = await execa("git", args, {
      cwd: this.dir,
      // An allow-listed environment: git needs no model key or token of ours beyond the push credential.
      env: { ...toolEnv(), GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", LC_ALL: "C", ...(options.auth === true ? this.authEnv : {}), ...options.env },
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
  }

  /** The remote branch's tip, or undefined when the branch does not exist. */
  async remoteBranchSha(branch: string): Promise<string | undefined> {
    const { stdout } = await this.run(["ls-remote", "--heads", this.remote, `refs/heads/${checkBranchName(branch)}`], { auth: true });
    const line = stdout.split("\n").find((l) => l.endsWith(`\trefs/heads/${branch}`));
    return line?.split("\t")[0];
  }

  /** Fetches a remote branch into refs/remotes/<remote>/<branch>; returns its sha. */
  async fetchBranch(branch: string): Promise<string> {
    checkBranchName(branch);
    const ref = `refs/remotes/${this.remote}/${branch}`;
    await this.run(["fetch", "--no-tags", "--no-recurse-submodules", "--quiet", this.remote, `+refs/heads/${branch}:${ref}`], { auth: true });
    return this.revParse(ref);
  }

  async revParse(rev: string): Promise<string> {
    return (await this.run(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`])).stdout;
  }

  /** The blob id `content` would get (no object is written). */
  private async hashContent(content: string, write: boolean): Promise<string> {
    return (await this.run(["hash-object", ...(write ? ["-w"] : []), "--stdin"], { input: content })).stdout;
  }

  /** The blob id at `path` in `commit`, or undefined. */
  private async blobAt(commit: string, path: string): Promise<string | undefined> {
    const r = await this.run(["rev-parse", "--verify", "--quiet", `${commit}:${path}`], { allowFailure: true });
    return r.exitCode === 0 ? r.stdout : undefined;
  }

  private async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.run(["merge-base", "--is-ancestor", ancestor, descendant], { allowFailure: true });
    return r.exitCode === 0;
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
  async commitFiles(request: CommitRequest): Promise<CommitResult> {
    checkBranchName(request.base);
    checkBranchName(request.branch);
    // sstar only ever writes its own branch; a pull request is how anything reaches the base.
    if (request.branch === request.base) throw new GitError(`refusing to push to ${JSON.stringify(request.branch)}: it is the base branch; sstar writes only its own branches (check branch-prefix)`);
    if (request.files.length === 0) throw new GitError("nothing to commit: no files given");
    const files = request.files.map((f) => ({ path: checkRepoPath(f.path), content: f.content }));
    const identity = request.identity ?? BOT_IDENTITY;

    let baseSha: string;
    try {
      baseSha = await this.fetchBranch(request.base);
    } catch (error) {
      throw new GitError(`base branch ${JSON.stringify(request.base)} could not be fetched from ${this.remote}: ${(error as Error).message}`);
    }
    const oldTip = await this.remoteBranchSha(request.branch);
    if (oldTip !== undefined) {
      const tip = await this.fetchBranch(request.branch);
      const same = await Promise.all(files.map(async (f) => (await this.blobAt(tip, f.path)) === (await this.hashContent(f.content, false))));
      if (same.every(Boolean)) return { sha: tip, pushed: false, reset: false, reason: "unchanged" };
    }
    const onTop = oldTip !== undefined && (await this.isAncestor(baseSha, oldTip));
    const parent = onTop ? oldTip : baseSha;

    const scratch = await mkdtemp(join(tmpdir(), "sstar-git-"));
    try {
      const env = { GIT_INDEX_FILE: join(scratch, "index") };
      await this.run(["read-tree", parent], { env });
      for (const file of files) {
        const blob = await this.hashContent(file.content, true);
        await this.run(["update-index", "--add", "--cacheinfo", `100644,${blob},${file.path}`], { env });
      }
      const tree = (await this.run(["write-tree"], { env })).stdout;
      const parentTree = (await this.run(["rev-parse", `${parent}^{tree}`])).stdout;
      if (tree === parentTree) {
        // Nothing to add on top of the base: a branch would only repeat it.
        return { sha: parent, pushed: false, reset: false, reason: oldTip === undefined || !onTop ? "base-has-it" : "unchanged" };
      }
      const identityEnv = {
        GIT_AUTHOR_NAME: identity.name,
        GIT_AUTHOR_EMAIL: identity.email,
        GIT_COMMITTER_NAME: identity.name,
        GIT_COMMITTER_EMAIL: identity.email,
      };
      const sha = (await this.run(["commit-tree", tree, "-p", parent, "-F", "-"], { env: identityEnv, input: request.message })).stdout;
      await this.run(
        ["push", "--quiet", "--no-verify", `--force-with-lease=refs/heads/${request.branch}:${oldTip ?? ""}`, this.remote, `${sha}:refs/heads/${request.branch}`],
        { auth: true },
      );
      await this.run(["update-ref", `refs/remotes/${this.remote}/${request.branch}`, sha]);
      return { sha, pushed: true, reset: oldTip !== undefined && !onTop };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}
