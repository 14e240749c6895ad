// Who programs run as on the host. Not root: as us (bwrap's user namespace shows uid 65534 inside).
// Root: never as root; each worker slot gets a uid of its own that no account uses, so that limits
// the kernel counts per uid (RLIMIT_NPROC) stay per run, and two runs can't signal each other.
export const DEFAULT_SANDBOX_UID = 100_000_000;
/** Uids per sstar process (one per worker slot): each process holds a block of its own (uid-block.ts). */
export const UID_BLOCK_SIZE = 1024;

export interface SandboxUser {
  uid: number;
  gid: number;
}

/** The base uid from SSTAR_SANDBOX_UID (a number above 0), else the default. Pure. */
export function sandboxUidBase(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SSTAR_SANDBOX_UID;
  if (raw === undefined || raw === "") return DEFAULT_SANDBOX_UID;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 4_000_000_000) throw new Error(`sandbox: SSTAR_SANDBOX_UID must be a uid above 0 (got ${JSON.stringify(raw)})`);
  return n;
}

/** The host user of a worker slot's programs when sstar runs as `ourUid` and holds uid block `block`; undefined when no change is needed. Pure. */
export function sandboxUser(ourUid: number, slot: number, base: number, block = 0): SandboxUser | undefined {
  if (ourUid !== 0) return undefined;
  if (slot >= UID_BLOCK_SIZE) throw new Error(`sandbox: at most ${UID_BLOCK_SIZE} workers as root (asked for slot ${slot})`);
  const uid = base + block * UID_BLOCK_SIZE + slot;
  return { uid, gid: uid };
}

/** One line for doctor and logs. Pure. */
export function describeProgramUser(ourUid: number, workers: number, base: number, block = 0): string {
  if (ourUid !== 0) return `programs run as host uid ${ourUid} (yours; uid 65534 inside the sandbox's user namespace)`;
  const first = base + block * UID_BLOCK_SIZE;
  const last = first + workers - 1;
  return `programs run as host uid ${workers === 1 ? first : `${first}-${last}`} (one per worker, in a block of ${UID_BLOCK_SIZE} held by this sstar process alone; sstar runs as root, so the runner drops to it before exec, with no capabilities)`;
}
