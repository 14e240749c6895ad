// The parent's side of the local model server: starts the child (child.ts) on a loopback port,
// restarts it once if it dies (a native fault aborts it), and after that, or when the model can't
// be loaded at all, answers every call on the same port with one line saying why (HTTP 400, which
// the model client does not retry), so each problem fails with that line and the run goes on.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { serveChatCompletions, type ChatServer } from "../replay/server.ts";
import type { ChildSettings } from "./child.ts";
import type { AnswerStats } from "./generate.ts";

export interface LocalServer {
  /** Base URL ending in /v1. */
  url: string;
  /** Set once the model can no longer answer (load failure, or a second crash). */
  readonly failure: string | undefined;
  /** Every answer's accounting, in order (prompt tokens evaluated against the prompt's length, speed). */
  readonly stats: AnswerStats[];
  /** Restarts after a crash so far. */
  readonly restarts: number;
  /** The server process's id while one runs. */
  readonly pid: number | undefined;
  close(): Promise<void>;
}

export type ServerSettings = Omit<ChildSettings, "port">;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * How to start child.ts: the built bundle keeps it beside itself (dist/local-model.js); from the
 * sources (tests, `npm run sstar`) it runs through tsx.
 */
export function childCommand(moduleUrl: string = import.meta.url): string[] {
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith(".ts")) {
    const tsx = join(dirname(createRequire(moduleUrl).resolve("tsx/package.json")), "dist", "loader.mjs");
    return ["--import", pathToFileURL(tsx).href, join(dirname(here), "child.ts")];
  }
  return [join(dirname(here), "local-model.js")];
}

interface Started {
  child: ChildProcess;
  /** Resolves with the child's exit description once it ends. */
  exited: Promise<string>;
}

/** Starts the child and waits for its `ready` line; rejects with the reason it could not serve. */
function startChild(settings: ChildSettings, stats: AnswerStats[], log: (line: string) => void): Promise<Started> {
  const child = spawn(process.execPath, [...childCommand(), JSON.stringify(settings)], { stdio: ["pipe", "pipe", "pipe"] });
  let lastError = "";
  createInterface({ input: child.stderr! }).on("line", (line) => {
    if (line.startsWith("stats ")) stats.push(JSON.parse(line.slice(6)) as AnswerStats);
    else if (line.trim() !== "") {
      lastError = line.trim();
      log(`local model: ${lastError}`);
    }
  });
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal !== null ? `signal ${signal}` : `exit code ${String(code)}`)));
  return new Promise<Started>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      if (line.startsWith("ready ")) resolve({ child, exited });
      else reject(new Error(line.replace(/^error\s*/, "")));
    });
    void exited.then((how) => reject(new Error(`the model server process ended (${how})${lastError ? `: ${lastError}` : ""}`)));
  });
}

/** Answers every chat call with `message` (HTTP 400: not retried, one line per failed problem). */
function serveFailure(port: number, message: string): Promise<ChatServer> {
  const body = { error: { message, type: "invalid_request_error", code: "local_model_failed" } };
  return serveChatCompletions(() => ({ fault: "status", status: 400, body }), { port, host: "127.0.0.1" });
}

/** Starts the local model server for `settings.modelPath`; never throws for a model that won't load (see above). */
export async function startLocalServer(settings: ServerSettings, log: (line: string) => void): Promise<LocalServer> {
  const port = await freePort();
  const full: ChildSettings = { ...settings, port };
  const stats: AnswerStats[] = [];
  let failure: string | undefined;
  let fallback: ChatServer | undefined;
  let current: Started | undefined;
  let closing = false;
  let restarts = 0;
  const fail = async (why: string): Promise<void> => {
    failure = `local model ${settings.modelPath}: ${why}`;
    log(failure);
    fallback = await serveFailure(port, failure);
  };
  const watch = (started: Started): void => {
    void started.exited.then(async (how) => {
      if (closing) return;
      if (restarts >= 1) return fail(`the model server process ended twice (${how}); see the lines above`);
      restarts++;
      log(`local model: the model server process ended (${how}); restarting it once`);
      try {
        current = await startChild(full, stats, log);
        watch(current);
      } catch (error) {
        await fail(`could not restart the model server: ${(error as Error).message}`);
      }
    });
  };
  try {
    current = await startChild(full, stats, log);
    watch(current);
  } catch (error) {
    await fail(`could not be loaded: ${(error as Error).message}; check the file (a complete GGUF model) or delete it to download it again`);
  }
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get failure() {
      return failure;
    },
    stats,
    get restarts() {
      return restarts;
    },
    get pid() {
      return failure === undefined ? current?.child.pid : undefined;
    },
    async close() {
      closing = true;
      if (current !== undefined && current.child.exitCode === null && current.child.signalCode === null) {
        current.child.stdin?.end();
        current.child.kill("SIGTERM");
        await current.exited;
      }
      await fallback?.close();
    },
  };
}
