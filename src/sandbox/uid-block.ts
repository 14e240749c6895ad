// As root, each sstar process holds a block of program uids of its own for its life: the runner's
// lock mode (-L) takes the first free block (an flock on a file in a root-only folder) and keeps it
// until its stdin closes, which the kernel does when this process exits, however it exits. So two
// sstar processes on one host (parallel jobs on a self-hosted runner, eval shards) never run
// programs under one uid: no shared RLIMIT_NPROC count, no signalling each other's programs.
import { spawn } from "node:child_process";
import { lstatSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";

/** How many blocks the lock folder may hand out: uids base … base + UID_BLOCKS × UID_BLOCK_SIZE (user.ts). */
export const UID_BLOCKS = 4096;

export interface UidBlock {
  block: number;
  /** Gives the block back (also happens by itself when this process exits). */
  release(): void;
}

/** A folder only root can enter, for the lock files: nobody else may take or fake a block. */
export function lockFolder(base: number): string {
  const parent = lstatOk("/run") ? "/run/sstar" : join(tmpdir(), "sstar-root");
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const st = lstatSync(parent);
  if (!st.isDirectory() || st.uid !== 0 || (st.mode & 0o077) !== 0) {
    throw new Error(`sandbox: ${parent} must be a folder of root's with mode 0700 (owner ${st.uid}, mode ${(st.mode & 0o777).toString(8)}); remove it and run again`);
  }
  const dir = join(parent, `uids-${base}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

function lstatOk(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Takes a free block of program uids for this process, held by a small lock-holding runner. */
export function holdUidBlock(runner: string, base: number): Promise<UidBlock> {
  const dir = lockFolder(base);
  return new Promise((resolve, reject) => {
    const child = spawn(runner, ["-L", dir, "--", String(UID_BLOCKS)], { stdio: ["pipe", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin" } });
    let out = "";
    let err = "";
    const stdout = child.stdout as Readable;
    stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = /^(\d+)\n/.exec(out);
      if (line === null) return;
      // Held: nothing more to read, and neither the holder nor its pipes keep Node running.
      stdout.destroy();
      child.stderr.destroy();
      child.unref();
      const stdin = child.stdin as Socket;
      stdin.unref();
      resolve({ block: Number(line[1]), release: () => stdin.end() });
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    child.on("error", (e) => reject(new Error(`sandbox: could not start the uid lock holder: ${e.message}`)));
    child.on("exit", (code) => {
      if (!/^\d+\n/.test(out)) reject(new Error(err.trim() || `sandbox: the uid lock holder exited with ${code}`));
    });
  });
}
