// Cassettes: every model exchange of a run, one JSON line each, so a run can be replayed with no
// network at all (`--record FILE`, `--replay FILE`). The first line is a header naming the models.
//
// A request is identified by what the engine decides it from (stage, problem, the caller's sample
// key, messages, temperature, max tokens), not by the endpoint: a run recorded against one server
// replays anywhere. Nothing secret is written: no API key, no headers, no base URL query.
import { createHash } from "node:crypto";
import { readFile, writeFile, appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { CachedReply } from "./cache.ts";
import { ModelConfigError, type CallMeta, type ChatMessage, type Stage } from "./types.ts";

export const CASSETTE_FORMAT = 1;

export interface CassetteHeader {
  cassette: number;
  model: string;
  judgeModel: string;
  recordedAt: string;
}

/** One exchange: its identity, and the reply or the final error the endpoint gave. */
export interface CassetteEntry {
  id: string;
  stage: Stage;
  problemId: string;
  key: string | null;
  /** The reply; absent when the call failed for good (then `error`). */
  reply?: CachedReply;
  /** Served from the reply cache while recording: replayed as a cached call (free). */
  cached?: boolean;
  error?: { message: string; status?: number; attempts: number };
  /** The budget refused the call (never sent): replayed as the same refusal, whatever the replay's own reservations. */
  refused?: string;
  /** A choice after the first of one request for several (`n`): its prompt was billed with the first. */
  sharedRequest?: true;
  /** Wall time of the call while recording. */
  ms: number;
}

export interface RequestIdentity {
  stage: Stage;
  problemId: string;
  key: string | undefined;
  messages: ChatMessage[];
  temperature: number | undefined;
  maxTokens: number | undefined;
}

/** sha256 over a canonical JSON of the request's identity. */
export function requestId(r: RequestIdentity): string {
  const canonical = JSON.stringify([
    CASSETTE_FORMAT,
    r.stage,
    r.problemId,
    r.key ?? null,
    r.messages.map((m) => [m.role, m.content]),
    r.temperature ?? null,
    r.maxTokens ?? null,
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/** "generate call of problem p (sample 3, round 0)": how a miss names the request. */
export function describeRequest(meta: Pick<CallMeta, "stage" | "problemId" | "key">): string {
  const sample = /^sample-(\d+)-round-(\d+)$/.exec(meta.key ?? "");
  const judge = /^judge-(\d+)$/.exec(meta.key ?? "");
  const separate = /^separate-(\d+)-(\d+)-(\d+)$/.exec(meta.key ?? "");
  const which = sample
    ? `sample ${sample[1]}, round ${sample[2]}`
    : judge
      ? `judge call ${judge[1]}`
      : separate
        ? `samples ${separate[1]} and ${separate[2]}, call ${separate[3]}`
        : meta.key !== undefined
          ? `key ${meta.key}`
          : "no sample key";
  return `${meta.stage} call of problem ${meta.problemId} (${which})`;
}

export interface Cassette {
  file: string;
  header: CassetteHeader;
  byId: Map<string, CassetteEntry>;
  /** Entries by "stage problem key": tells a changed prompt from a request never recorded. */
  bySlot: Map<string, CassetteEntry>;
}

const slotOf = (e: Pick<CassetteEntry, "stage" | "problemId" | "key">): string => JSON.stringify([e.stage, e.problemId, e.key ?? null]);

/** Parses a cassette file's text; throws ModelConfigError naming the file and line. */
export function parseCassette(file: string, text: string): Cassette {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const bad = (line: number, why: string): ModelConfigError =>
    new ModelConfigError(`${file}:${line}: not a cassette (${why}); record one with --record ${file}`);
  if (lines.length === 0) throw bad(1, "the file is empty");
  let header: CassetteHeader;
  try {
    header = JSON.parse(lines[0]!) as CassetteHeader;
  } catch {
    throw bad(1, "the first line is not JSON");
  }
  if (header.cassette !== CASSETTE_FORMAT) throw bad(1, `expected a header with "cassette": ${CASSETTE_FORMAT}`);
  const byId = new Map<string, CassetteEntry>();
  const bySlot = new Map<string, CassetteEntry>();
  lines.slice(1).forEach((line, i) => {
    let entry: CassetteEntry;
    try {
      entry = JSON.parse(line) as CassetteEntry;
    } catch {
      throw bad(i + 2, "a line is not JSON");
    }
    if (typeof entry.id !== "string" || typeof entry.stage !== "string" || (entry.reply === undefined && entry.error === undefined && typeof entry.refused !== "string")) {
      throw bad(i + 2, "an entry needs id, stage and a reply, an error or a refusal");
    }
    byId.set(entry.id, entry);
    bySlot.set(slotOf(entry), entry);
  });
  return { file, header, byId, bySlot };
}

export async function loadCassette(file: string): Promise<Cassette> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ModelConfigError(`--replay ${file}: can't read the cassette (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseCassette(file, text);
}

/** The header alone (the CLI takes the model names from it when none are given). */
export async function readCassetteHeader(file: string): Promise<CassetteHeader> {
  return (await loadCassette(file)).header;
}

/** The one line a replay miss fails with. */
export function missMessage(cassette: Cassette, meta: CallMeta, id: string): string {
  const recorded = cassette.bySlot.get(slotOf({ stage: meta.stage, problemId: meta.problemId, key: meta.key ?? null }));
  const why =
    recorded !== undefined && recorded.id !== id
      ? "the recorded request differs (the prompt, the problem or a setting changed)"
      : "it was never recorded";
  return `replay: ${cassette.file} holds no reply for the ${describeRequest(meta)}: ${why}; record again with --record, or pass --replay-fallthrough to send misses to the endpoint`;
}

/** Appends entries in call order; the header is written first (the file is replaced). */
export class CassetteRecorder {
  private chain: Promise<void>;
  private failed: Error | undefined;

  constructor(
    readonly file: string,
    header: Omit<CassetteHeader, "cassette" | "recordedAt">,
    /** Masks the secrets in each line written (an endpoint may echo the key in a reply). */
    private readonly clean: (text: string) => string = (text) => text,
  ) {
    const line = JSON.stringify({ cassette: CASSETTE_FORMAT, ...header, recordedAt: new Date().toISOString() });
    this.chain = mkdir(dirname(file), { recursive: true })
      .then(() => writeFile(file, `${line}\n`))
      .catch((error: unknown) => {
        this.failed = error as Error;
      });
  }

  add(entry: CassetteEntry): void {
    this.chain = this.chain.then(async () => {
      if (this.failed) return;
      await appendFile(this.file, `${this.clean(JSON.stringify(entry))}\n`).catch((error: unknown) => {
        this.failed = error as Error;
      });
    });
  }

  /** Waits for every line to be written; throws ModelConfigError when the file could not be. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.failed) throw new ModelConfigError(`--record ${this.file}: can't write the cassette (${(this.failed as NodeJS.ErrnoException).code ?? this.failed.message})`);
  }
}
