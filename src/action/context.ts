// The run's context as plain data: which event, which repository, who triggered it, where the
// checkout is. Read from the runner's environment and the event payload file (GITHUB_EVENT_PATH);
// nothing here is ever put into a shell command.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

export interface ActionContext {
  eventName: string;
  /** The event payload as GitHub sent it (untrusted text inside). */
  payload: Record<string, unknown>;
  repo: { owner: string; repo: string };
  /** Who triggered the run (payload sender, else GITHUB_ACTOR). */
  actor: { login: string; type: string };
  ref: string;
  sha: string;
  workspace: string;
  serverUrl: string;
  apiUrl: string;
  /** Link to this workflow run, when known. */
  runUrl: string | undefined;
}

export class ContextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContextError";
  }
}

/** Reads the context from a runner's environment (process.env on a runner; a plain object in tests). */
export function readContext(env: Record<string, string | undefined>): ActionContext {
  let payload: Record<string, unknown> = {};
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath !== undefined && eventPath !== "") {
    try {
      const parsed: unknown = JSON.parse(readFileSync(eventPath, "utf8"));
      if (parsed !== null && typeof parsed === "object") payload = parsed as Record<string, unknown>;
    } catch (error) {
      throw new ContextError(`GITHUB_EVENT_PATH ${eventPath}: cannot read the event payload (${(error as Error).message})`);
    }
  }
  const repository = env.GITHUB_REPOSITORY ?? fullName(payload);
  const [owner, repo] = (repository ?? "").split("/");
  if (owner === undefined || owner === "" || repo === undefined || repo === "") {
    throw new ContextError("GITHUB_REPOSITORY is not set (expected owner/repo): run inside GitHub Actions or set it for a local run");
  }
  const sender = senderSchema.safeParse(payload.sender);
  const serverUrl = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  const runId = env.GITHUB_RUN_ID;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? "workflow_dispatch",
    payload,
    repo: { owner, repo },
    actor: sender.success ? { login: sender.data.login, type: sender.data.type } : { login: env.GITHUB_ACTOR ?? "", type: (env.GITHUB_ACTOR ?? "").endsWith("[bot]") ? "Bot" : "User" },
    ref: env.GITHUB_REF ?? "",
    sha: env.GITHUB_SHA ?? "",
    // A local run may say GITHUB_WORKSPACE=. : every path inside it is made from this absolute one.
    workspace: resolve(env.GITHUB_WORKSPACE ?? process.cwd()),
    serverUrl,
    apiUrl: (env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, ""),
    runUrl: runId !== undefined && runId !== "" ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` : undefined,
  };
}

const senderSchema = z.object({ login: z.string(), type: z.string().default("User") });

function fullName(payload: Record<string, unknown>): string | undefined {
  const r = payload.repository as { full_name?: unknown } | undefined;
  return typeof r?.full_name === "string" ? r.full_name : undefined;
}

// ---------- the parts of payloads we use, validated ----------

export const issueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullable().optional(),
  state: z.string().optional(),
  labels: z.array(z.object({ name: z.string() }).or(z.string())).optional(),
  pull_request: z.unknown().optional(),
  user: z.object({ login: z.string(), type: z.string().optional() }).optional(),
});
export type EventIssue = z.infer<typeof issueSchema>;

export const pushSchema = z.object({
  ref: z.string(),
  deleted: z.boolean().optional(),
  commits: z
    .array(
      z.object({
        added: z.array(z.string()).optional(),
        modified: z.array(z.string()).optional(),
        removed: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  repository: z.object({ default_branch: z.string().optional() }).optional(),
});

export const commentSchema = z.object({
  id: z.number(),
  body: z.string(),
  user: z.object({ login: z.string(), type: z.string().optional() }),
});

export function defaultBranchOf(payload: Record<string, unknown>): string | undefined {
  const r = payload.repository as { default_branch?: unknown } | undefined;
  return typeof r?.default_branch === "string" ? r.default_branch : undefined;
}
