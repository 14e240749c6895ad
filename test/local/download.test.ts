// Weights download (src/local/download.ts) against a loopback server standing in for the Hugging
// Face endpoint (HF_ENDPOINT): first call downloads with progress, the second makes no request, a
// cut connection leaves no half file where the whole one goes and the next run resumes, the token
// is sent, and an unreachable endpoint or a missing file fails at once with one line.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureWeights, hubUrl, progressText } from "../../src/local/download.ts";
import type { HubFile } from "../../src/local/spec.ts";

const FILE = Buffer.alloc(3_000_000);
for (let i = 0; i < FILE.length; i++) FILE[i] = (i * 7919) % 251;
const SHA = createHash("sha256").update(FILE).digest("hex");
const HUB: HubFile = { owner: "acme", repo: "coder-GGUF", file: "coder-q4_k_m.gguf", revision: "abc123" };

let dir: string;
let server: Server;
let endpoint: string;
const requests: { url: string; range: string | undefined; auth: string | undefined }[] = [];
/** When set, the next response is cut after this many bytes. */
let cutAfter: number | undefined;

function serve(req: IncomingMessage, res: import("node:http").ServerResponse): void {
  requests.push({ url: req.url ?? "", range: req.headers.range, auth: req.headers.authorization });
  if (req.url !== `/acme/coder-GGUF/resolve/abc123/coder-q4_k_m.gguf`) {
    res.writeHead(404).end("not found");
    return;
  }
  const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
  const body = FILE.subarray(from);
  res.writeHead(from > 0 ? 206 : 200, { "content-length": body.length, ...(from > 0 ? { "content-range": `bytes ${from}-${FILE.length - 1}/${FILE.length}` } : {}) });
  if (cutAfter !== undefined) {
    const cut = cutAfter;
    cutAfter = undefined;
    res.write(body.subarray(0, cut), () => res.destroy());
    return;
  }
  res.end(body);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sstar-download-"));
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe("weights download", () => {
  it("downloads once with a line every few percent, records the sha256, then makes no request", async () => {
    const path = join(dir, "a", "model.gguf");
    const lines: string[] = [];
    requests.length = 0;
    const env = { HF_ENDPOINT: endpoint, HF_TOKEN: "hf_secret" };
    await ensureWeights(HUB, path, { env, progress: { write: (t) => lines.push(t), isTTY: false, everyPercent: 25 } });
    expect((await readFile(path)).equals(FILE)).toBe(true);
    expect((await readFile(`${path}.sha256`, "utf8")).trim()).toBe(SHA);
    expect(requests).toEqual([{ url: "/acme/coder-GGUF/resolve/abc123/coder-q4_k_m.gguf", range: undefined, auth: "Bearer hf_secret" }]);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toMatch(/^\[#{30}\] 100% {2}3\/3 MB/);
    await ensureWeights(HUB, path, { env });
    expect(requests).toHaveLength(1);
  });

  it("a cut connection leaves no file where the whole one goes; the next call resumes from the .part", async () => {
    const path = join(dir, "b", "model.gguf");
    requests.length = 0;
    cutAfter = 1_000_000;
    const env = { HF_ENDPOINT: endpoint };
    await expect(ensureWeights(HUB, path, { env, resumes: 0 })).rejects.toThrow(/^local model: could not download http:\/\/127\.0\.0\.1:\d+\/acme\/coder-GGUF\/resolve\/abc123\/coder-q4_k_m\.gguf: .*; run again to resume$/);
    expect(existsSync(path)).toBe(false);
    expect((await stat(`${path}.part`)).size).toBe(1_000_000);
    await ensureWeights({ ...HUB, sha256: SHA }, path, { env });
    expect(requests.at(-1)?.range).toBe("bytes=1000000-");
    expect((await readFile(path)).equals(FILE)).toBe(true);
    expect(existsSync(`${path}.part`)).toBe(false);
  });

  it("a wrong digest deletes the download and says so in one line", async () => {
    const path = join(dir, "c", "model.gguf");
    await expect(ensureWeights({ ...HUB, sha256: "0".repeat(64) }, path, { env: { HF_ENDPOINT: endpoint } })).rejects.toThrow(new RegExp(`the file's sha256 is ${SHA}, expected 0{64}: deleted, run again$`));
    expect(existsSync(path) || existsSync(`${path}.part`)).toBe(false);
  });

  it("fails at once with one line: unreachable endpoint, missing file, needs a token", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();
    await expect(ensureWeights(HUB, join(dir, "d", "m.gguf"), { env: { HF_ENDPOINT: `http://127.0.0.1:${port}` } })).rejects.toThrow(/^local model: could not download http:\/\/127\.0\.0\.1:\d+\/.*: ECONNREFUSED; check the network, or HF_ENDPOINT for a mirror$/);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(ensureWeights({ ...HUB, file: "other.gguf" }, join(dir, "d", "m.gguf"), { env: { HF_ENDPOINT: endpoint } })).rejects.toThrow(/HTTP 404: no such file or revision; check the model name/);
    const quiet = createServer((_req, res) => res.writeHead(401).end());
    await new Promise<void>((resolve) => quiet.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(quiet.address() as { port: number }).port}`;
      await expect(ensureWeights(HUB, join(dir, "d", "m.gguf"), { env: { HF_ENDPOINT: url } })).rejects.toThrow(/HTTP 401: the repository needs a Hugging Face token with access; set HF_TOKEN/);
    } finally {
      quiet.close();
    }
  });

  it("a server that accepts and then says nothing fails after the stall limit, not never", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      await expect(ensureWeights(HUB, join(dir, "e", "m.gguf"), { env: { HF_ENDPOINT: url }, stallMs: 500 })).rejects.toThrow(/no answer within 0.5 s; check the network/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("names the file as the Hugging Face tools do, and draws the bar", () => {
    expect(hubUrl(HUB, {})).toBe("https://huggingface.co/acme/coder-GGUF/resolve/abc123/coder-q4_k_m.gguf");
    expect(hubUrl(HUB, { HF_ENDPOINT: "https://mirror.example/" })).toBe("https://mirror.example/acme/coder-GGUF/resolve/abc123/coder-q4_k_m.gguf");
    expect(progressText(450e6, 1000e6, 12.3e6)).toBe("[##############----------------]  45%  450/1000 MB  12.3 MB/s");
    expect(progressText(5e6, undefined, 1e6)).toBe("5 MB  1.0 MB/s");
  });
});
