// Where a run will write, checked before any model call (a read-only folder found after an hour
// of solving loses the hour), and a place to keep finished files when a write still fails later.
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** Why a write failed, short: "EROFS", "ENOTDIR: ... is a file", else the message. */
export function writeFailure(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    EROFS: "read-only file system",
    EACCES: "permission denied",
    EPERM: "not permitted",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "it is a folder",
    ENOSPC: "no space left",
    EEXIST: "a file is in the way",
  };
  return e?.code !== undefined ? `${e.code}: ${reasons[e.code] ?? e.message}` : String(e?.message ?? error);
}

/**
 * Undefined when files can be written in folder `dir` (created when missing, as the run would);
 * else why not. A probe file is written and removed, so a read-only mount or a missing permission
 * shows here, not after the work.
 */
export async function folderProblem(dir: string): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `.sstar-write-check-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    return writeFailure(error);
  }
}

/** Undefined when file `file` can be written (its folder is writable and it is no folder); else why not. */
export async function fileProblem(file: string): Promise<string | undefined> {
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory() === true) return "it is a folder; give a file name";
  return folderProblem(dirname(resolve(file)));
}

/** A fresh folder under the system's temporary folder, for finished files that could not go where asked. */
export async function rescueFolder(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}
