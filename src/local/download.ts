// Model weights from a Hugging Face repository (or a mirror: HF_ENDPOINT; a gated repository:
// HF_TOKEN, as the Hugging Face tools read them), fetched once into the cache folder. Written to
// <file>.part and renamed into place only when whole and checked, so a half file is never where a
// whole one is expected; an interrupted download resumes from the .part (a Range request) or starts
// over when the server won't resume. Every connection has a time limit of its own: a machine with
// no route to the weights fails in seconds with one line, instead of retrying for minutes.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { once } from "node:events";
import { ModelConfigError } from "../model/types.ts";
import type { HubFile } from "./spec.ts";

export interface DownloadOptions {
  env?: NodeJS.ProcessEnv;
  /** A progress bar rewritten in place (a terminal) or a line every `everyPercent` (CI logs). */
  progress?: { write: (text: string) => void; isTTY: boolean; everyPercent?: number };
  /** Longest wait for a connection, headers or the next bytes. Default 30 s. */
  stallMs?: number;
  /** Resumed attempts after a connection cut mid-file, in this run. Default 2. */
  resumes?: number;
  signal?: AbortSignal;
}

export function hubUrl(hub: HubFile, env: NodeJS.ProcessEnv = process.env): string {
  const endpoint = (env.HF_ENDPOINT?.trim() || "https://huggingface.co").replace(/\/+$/, "");
  const path = [hub.owner, hub.repo, "resolve", hub.revision, ...hub.file.split("/")].map(encodeURIComponent).join("/");
  return `${endpoint}/${path}`;
}

/** "[#####-----]  45%  450/1000 MB  12.3 MB/s" */
export function progressText(done: number, total: number | undefined, bytesPerSecond: number): string {
  const mb = (n: number) => (n / 1e6).toFixed(0);
  const speed = `${(bytesPerSecond / 1e6).toFixed(1)} MB/s`;
  if (total === undefined || total <= 0) return `${mb(done)} MB  ${speed}`;
  const share = Math.min(1, done / total);
  const filled = Math.round(share * 30);
  return `[${"#".repeat(filled)}${"-".repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${mb(done)}/${mb(total)} MB  ${speed}`;
}

class Progress {
  private lastStep = -1;
  private readonly started = Date.now();
  constructor(
    private readonly options: DownloadOptions["progress"],
    private readonly startBytes: number,
  ) {}
  update(done: number, total: number | undefined, final = false): void {
    const o = this.options;
    if (o === undefined) return;
    const rate = (done - this.startBytes) / Math.max(0.001, (Date.now() - this.started) / 1000);
    if (o.isTTY) {
      o.write(`\r\x1b[2K${progressText(done, total, rate)}${final ? "\n" : ""}`);
      return;
    }
    const every = o.everyPercent ?? 5;
    const step = total ? Math.floor((done / total) * (100 / every)) : Math.floor(done / 50e6);
    if (step > this.lastStep || final) {
      this.lastStep = step;
      o.write(`${progressText(done, total, rate)}\n`);
    }
  }
}

function failure(url: string, why: string): ModelConfigError {
  return new ModelConfigError(`local model: could not download ${url}: ${why}`);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** One GET (resuming from `offset` when > 0); the response, or a one-line error. */
async function request(url: string, offset: number, env: NodeJS.ProcessEnv, stallMs: number, signal?: AbortSignal): Promise<{ response: Response; abort: AbortController }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${stallMs / 1000} s`)), stallMs);
  signal?.addEventListener("abort", () => abort.abort(signal.reason), { once: true });
  const headers: Record<string, string> = { "user-agent": "sstar-action" };
  if (env.HF_TOKEN?.trim()) headers.authorization = `Bearer ${env.HF_TOKEN.trim()}`;
  if (offset > 0) headers.range = `bytes=${offset}-`;
  try {
    const response = await fetch(url, { headers, signal: abort.signal, redirect: "follow" });
    return { response, abort };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = abort.signal.aborted ? String((abort.signal.reason as Error)?.message ?? abort.signal.reason) : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw failure(url, `${why}; check the network, or HF_ENDPOINT for a mirror`);
  } finally {
    clearTimeout(timer);
  }
}

function statusError(url: string, status: number): ModelConfigError {
  if (status === 401 || status === 403) return failure(url, `HTTP ${status}: the repository needs a Hugging Face token with access; set HF_TOKEN`);
  if (status === 404) return failure(url, "HTTP 404: no such file or revision; check the model name (local:hf:<owner>/<repo>/<file.gguf>[#revision])");
  return failure(url, `HTTP ${status}`);
}

/** Streams the body onto the .part file (appending at `offset`), feeding `hash`; throws on a stall or a cut. */
async function receive(response: Response, part: string, offset: number, total: number | undefined, progress: Progress, stallMs: number, abort: AbortController): Promise<void> {
  const out = createWriteStream(part, { flags: offset > 0 ? "a" : "w" });
  let done = offset;
  let timer = setTimeout(() => abort.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(new Error(`no data for ${stallMs / 1000} s`)), stallMs);
      if (!out.write(chunk)) await once(out, "drain");
      done += chunk.length;
      progress.update(done, total);
    }
  } finally {
    clearTimeout(timer);
    out.end();
    await once(out, "close");
  }
  if (total !== undefined && done !== total) throw new Error(`the connection ended after ${done} of ${total} bytes`);
}

/** Whether the file at `path` is a finished download (renamed into place), its digest recorded beside it. */
export function weightsCached(path: string): boolean {
  return existsSync(path);
}

/**
 * The path of `hub`'s file in the cache, downloaded first when missing. A cached file makes no
 * request. The sha256 is checked when known, else recorded in <file>.sha256 on first download and
 * compared with the expected one from then on.
 */
export async function ensureWeights(hub: HubFile, path: string, options: DownloadOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const url = hubUrl(hub, env);
  if (existsSync(path)) {
    const recorded = existsSync(`${path}.sha256`) ? (await readFile(`${path}.sha256`, "utf8")).trim() : undefined;
    if (hub.sha256 !== undefined && recorded !== undefined && recorded !== hub.sha256) {
      throw new ModelConfigError(`local model: ${path} has sha256 ${recorded}, expected ${hub.sha256}; delete it to download it again`);
    }
    return path;
  }
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  const stallMs = options.stallMs ?? 30_000;
  let resumes = options.resumes ?? 2;
  for (;;) {
    const offset = existsSync(part) ? (await stat(part)).size : 0;
    const { response, abort } = await request(url, offset, env, stallMs, options.signal);
    if (response.status === 416) {
      // The .part is no prefix of what the server has now: start over.
      await rm(part, { force: true });
      continue;
    }
    if (!response.ok) throw statusError(url, response.status);
    const resumed = response.status === 206 ? offset : 0;
    const length = Number(response.headers.get("content-length") ?? NaN);
    const total = Number.isFinite(length) ? resumed + length : undefined;
    const progress = new Progress(options.progress, resumed);
    try {
      await receive(response, part, resumed, total, progress, stallMs, abort);
      progress.update(total ?? 0, total, true);
      break;
    } catch (error) {
      if (options.signal?.aborted || resumes-- <= 0) throw failure(url, `${(error as Error).message}; run again to resume`);
    }
  }
  const digest = await sha256Of(part);
  if (hub.sha256 !== undefined && digest !== hub.sha256) {
    await rm(part, { force: true });
    throw failure(url, `the file's sha256 is ${digest}, expected ${hub.sha256}: deleted, run again`);
  }
  await writeFile(`${path}.sha256`, `${digest}\n`);
  await rename(part, path);
  return path;
}
