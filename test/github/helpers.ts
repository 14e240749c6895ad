// Test helpers: a real git repository whose origin is a local bare repository.
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { execa } from "execa";

export interface RepoPair {
  root: string;
  bare: string;
  work: string;
  git(args: string[], cwd?: string): Promise<string>;
}

const ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/** A bare "remote" with one commit on `main` holding `files`, and a clone of it as the checkout. */
export async function makeRepoPair(files: Record<string, string> = { "README.md": "# katas\n" }): Promise<RepoPair> {
  const root = await mkdtemp(join(tmpdir(), "sstar-gh-test-"));
  const bare = join(root, "remote.git");
  const seed = join(root, "seed");
  const work = join(root, "work");
  const git = async (args: string[], cwd = work) => (await execa("git", args, { cwd, env: ENV })).stdout;
  await execa("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await execa("git", ["init", "--quiet", "--initial-branch=main", seed]);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(seed, path)), { recursive: true });
    await writeFile(join(seed, path), content);
  }
  await git(["add", "-A"], seed);
  await git(["commit", "--quiet", "-m", "seed"], seed);
  await git(["push", "--quiet", bare, "main"], seed);
  await execa("git", ["clone", "--quiet", bare, work]);
  return { root, bare, work, git };
}
