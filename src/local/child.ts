// The local model's server process: loads a GGUF with node-llama-cpp (installed at first use, see
// runtime.ts) and serves chat completions on a loopback port, so the model client talks to it as to
// any endpoint. It runs as its own process because a malformed model file or a native fault aborts
// the process that loaded the library: here that ends this child, not the run (serve.ts restarts it).
//
// Protocol with the parent: argv[2] is a JSON ChildSettings; stdout carries one line, `ready <url>`
// or `error <message>`; stderr carries `stats <json>` per answer and the library's own warnings.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { serveChatCompletions } from "../replay/server.ts";
import { createGenerator, type ChatWrapperLike, type LlamaModelLike, type LlamaSequenceLike } from "./generate.ts";

export interface ChildSettings {
  /** node-llama-cpp's entry module (runtime.ts). */
  entry: string;
  modelPath: string;
  port: number;
  threads: number;
  contextSize: number;
  defaultMaxTokens: number;
  /** A GBNF grammar file every answer must match (structured output; the tests script the model with it). */
  grammarFile?: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the library is loaded at run time, untyped */
async function loadParts(settings: ChildSettings) {
  const lib: any = await import(pathToFileURL(settings.entry).href);
  const llama = await lib.getLlama({ gpu: false, build: "never", logLevel: "error", maxThreads: settings.threads });
  const model = await llama.loadModel({ modelPath: settings.modelPath });
  const contextSize = Math.min(settings.contextSize, model.trainContextSize ?? settings.contextSize);
  const context = await model.createContext({ contextSize, sequences: 1, threads: settings.threads });
  const sequence = context.getSequence();
  const wrapper = lib.resolveChatWrapper(model);
  let grammarState: (() => unknown) | undefined;
  if (settings.grammarFile !== undefined) {
    const grammar = await llama.createGrammar({ grammar: await readFile(settings.grammarFile, "utf8") });
    grammarState = () => new lib.LlamaGrammarEvaluationState({ model, grammar });
  }
  return { model: model as LlamaModelLike, sequence: sequence as LlamaSequenceLike, wrapper: wrapper as ChatWrapperLike, grammarState };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? "{}") as ChildSettings;
  let parts: Awaited<ReturnType<typeof loadParts>>;
  try {
    parts = await loadParts(settings);
  } catch (error) {
    process.stdout.write(`error ${String((error as Error).message ?? error).split("\n")[0]}\n`);
    process.exit(1);
  }
  const generate = createGenerator({ ...parts, defaultMaxTokens: settings.defaultMaxTokens }, (stats) => process.stderr.write(`stats ${JSON.stringify(stats)}\n`));
  const server = await serveChatCompletions(generate, { port: settings.port, host: "127.0.0.1" });
  process.stdout.write(`ready ${server.url}\n`);
  // The parent going away (its end of stdin closes) ends the server: no orphan holds the port.
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}

await main();
