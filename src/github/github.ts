// The GitHub REST helper: pull requests, sticky comments, issues and permissions, through octokit.
// Every write is idempotent: things are found again (a PR by head and base, a comment or an issue by
// a hidden marker) and edited rather than created twice.
import { getOctokit } from "@actions/github";

export type Octokit = ReturnType<typeof getOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** GitHub's limit on an issue or pull-request comment body. */
export const MAX_COMMENT_CHARS = 65_536;

/** Client for the API at `baseUrl` (GITHUB_API_URL on a runner; a local server in tests). */
export function createOctokit(token: string, baseUrl: string): Octokit {
  return getOctokit(token, { baseUrl: baseUrl.replace(/\/+$/, ""), userAgent: "sstar-action" });
}

/** `<!-- sstar-action:{key} -->`: the hidden line that lets a later run find its own comment. */
export function markerFor(key: string): string {
  if (!/^[A-Za-z0-9._:/-]{1,200}$/.test(key)) throw new Error(`invalid comment key ${JSON.stringify(key)}: use letters, digits, '.', '_', ':', '/' or '-'`);
  return `<!-- sstar-action:${key} -->`;
}

/** True when `body` is one of our comments for `key` (the marker opens the body). */
export function hasMarker(body: string | null | undefined, key: string): boolean {
  return (body ?? "").trimStart().startsWith(markerFor(key));
}

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
const RANK: Record<RepoPermission, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

/** Whether `actual` is at least `needed` (admin > maintain > write > triage > read > none). */
export function permissionAtLeast(actual: RepoPermission, needed: RepoPermission): boolean {
  return RANK[actual] >= RANK[needed];
}

export interface PullRequestRef {
  number: number;
  url: string;
  created: boolean;
}

export interface CommentRef {
  id: number;
  url: string;
  created: boolean;
  /** False when the comment already had exactly this body (no request was made). */
  changed: boolean;
}

export interface IssueRef {
  number: number;
  url: string;
  created: boolean;
}

function status(error: unknown): number | undefined {
  const s = (error as { status?: unknown }).status;
  return typeof s === "number" ? s : undefined;
}

/** The author of a comment, as the API gives it. */
export interface CommentAuthor {
  login: string;
  type?: string;
}

/**
 * Whether a comment by `author` can be ours: Bot accounts (GITHUB_TOKEN and App tokens post as
 * one) or the token's own user (a PAT). Anyone else who copies a marker must not steer our edits.
 */
export function isOwnAuthor(author: CommentAuthor | null | undefined, selfLogin: string | undefined): boolean {
  if (author === null || author === undefined) return false;
  if (author.type === "Bot") return true;
  return selfLogin !== undefined && author.login.toLowerCase() === selfLogin.toLowerCase();
}

export class GitHubHelper {
  private self: Promise<string | undefined> | undefined;

  constructor(
    readonly octokit: Octokit,
    readonly repo: RepoRef,
  ) {}

  /**
   * The login the token belongs to, asked once. Installation tokens (GITHUB_TOKEN, Apps) get 403
   * or 404 from GET /user: then undefined, and only Bot authors count as us.
   */
  selfLogin(): Promise<string | undefined> {
    this.self ??= fetchSelfLogin(this.octokit);
    return this.self;
  }

  /** Opens a pull request from `head` into `base`, or updates the open one (title and body). */
  async upsertPullRequest(options: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequestRef> {
    const existing = await this.findPullRequest(options.head, options.base);
    if (existing !== undefined) return this.updatePullRequest(existing.number, options);
    try {
      return await openPullRequest(this.octokit, this.repo, options);
    } catch (error) {
      // A concurrent run may have opened it between our lookup and our create.
      if (status(error) !== 422 || !String((error as Error).message).includes("already exists")) throw error;
      const raced = await this.findPullRequest(options.head, options.base);
      if (raced === undefined) throw error;
      return this.updatePullRequest(raced.number, options);
    }
  }

  /** Adds labels to an issue or pull request (GitHub creates labels it does not have yet). */
  async addLabels(issueNumber: number, labels: string[]): Promise<void> {
    await this.octokit.rest.issues.addLabels({ ...this.repo, issue_number: issueNumber, labels });
  }

  /** Adds assignees (GitHub silently leaves out logins that may not be assigned). */
  async addAssignees(issueNumber: number, assignees: string[]): Promise<void> {
    await this.octokit.rest.issues.addAssignees({ ...this.repo, issue_number: issueNumber, assignees });
  }

  /** Asks for reviews (422 when a login is not a collaborator or is the pull request's author). */
  async requestReviewers(pullNumber: number, reviewers: string[]): Promise<void> {
    await this.octokit.rest.pulls.requestReviewers({ ...this.repo, pull_number: pullNumber, reviewers });
  }

  async findPullRequest(head: string, base: string): Promise<{ number: number; url: string } | undefined> {
    const { data } = await this.octokit.rest.pulls.list({ ...this.repo, state: "open", head: `${this.repo.owner}:${head}`, base, per_page: 10 });
    const pull = data[0];
    return pull === undefined ? undefined : { number: pull.number, url: pull.html_url };
  }

  private async updatePullRequest(number: number, options: { title: string; body: string }): Promise<PullRequestRef> {
    const { data } = await this.octokit.rest.pulls.update({ ...this.repo, pull_number: number, title: options.title, body: options.body });
    return { number: data.number, url: data.html_url, created: false };
  }

  /** Finds our comment for `key` on the issue or pull request: marked, and written by us. */
  async findComment(issueNumber: number, key: string): Promise<{ id: number; url: string; body: string } | undefined> {
    const comments = await this.octokit.paginate(this.octokit.rest.issues.listComments, { ...this.repo, issue_number: issueNumber, per_page: 100 });
    const marked = comments.filter((c) => hasMarker(c.body, key));
    // Only look the token's user up when some marked comment is not a Bot's.
    const self = marked.some((c) => c.user?.type !== "Bot") ? await this.selfLogin() : undefined;
    const found = marked.find((c) => isOwnAuthor(c.user, self));
    return found === undefined ? undefined : { id: found.id, url: found.html_url, body: found.body ?? "" };
  }

  /**
   * The sticky comment: `body` must start with `markerFor(key)`. Edits the existing one (if its
   * text differs) or creates it.
   */
  async upsertComment(issueNumber: number, key: string, body: string): Promise<CommentRef> {
    if (!hasMarker(body, key)) throw new Error(`comment body for ${key} must start with its marker`);
    if (body.length > MAX_COMMENT_CHARS) throw new Error(`comment for ${key} is ${body.length} characters; GitHub allows ${MAX_COMMENT_CHARS}`);
    const existing = await this.findComment(issueNumber, key);
    if (existing !== undefined) {
      if (existing.body === body) return { id: existing.id, url: existing.url, created: false, changed: false };
      const { data } = await this.octokit.rest.issues.updateComment({ ...this.repo, comment_id: existing.id, body });
      return { id: data.id, url: data.html_url, created: false, changed: true };
    }
    const { data } = await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: issueNumber, body });
    return { id: data.id, url: data.html_url, created: true, changed: true };
  }

  /**
   * The user's permission on this repository ("none" when not a collaborator). Uses `role_name`,
   * which tells triage and maintain apart (the older `permission` field folds them into read/write).
   */
  async permissionOf(login: string): Promise<RepoPermission> {
    try {
      return await fetchRole(this.octokit, this.repo, login);
    } catch (error) {
      if (status(error) === 404) return "none";
      throw error;
    }
  }

  /**
   * Like permissionOf, but says when the lookup itself was not allowed: GitHub answers 403 (or
   * 404) when the token lacks the access this endpoint needs, which must not read as "none".
   */
  async lookupPermission(login: string): Promise<{ permission: RepoPermission } | { unavailable: number }> {
    try {
      return { permission: await fetchRole(this.octokit, this.repo, login) };
    } catch (error) {
      const s = status(error);
      if (s === 403 || s === 404) return { unavailable: s };
      throw error;
    }
  }

  /** The open issue (not pull request) whose body starts with `key`'s marker, optionally with `label`. */
  async findOpenIssue(key: string, label?: string): Promise<{ number: number } | undefined> {
    const issues = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, { ...this.repo, state: "open", ...(label !== undefined ? { labels: label } : {}), per_page: 100 });
    const found = issues.find((i) => i.pull_request === undefined && hasMarker(i.body, key));
    return found === undefined ? undefined : { number: found.number };
  }

  /**
   * One open issue per `key` (found by label and marker): created when missing, its body replaced
   * when it exists. The body must start with `markerFor(key)`.
   */
  async upsertIssue(options: { key: string; title: string; body: string; labels: string[] }): Promise<IssueRef> {
    if (!hasMarker(options.body, options.key)) throw new Error(`issue body for ${options.key} must start with its marker`);
    const found = await this.findOpenIssue(options.key, options.labels[0]);
    if (found !== undefined) {
      const { data } = await this.octokit.rest.issues.update({ ...this.repo, issue_number: found.number, title: options.title, body: options.body });
      return { number: data.number, url: data.html_url, created: false };
    }
    const { data } = await this.octokit.rest.issues.create({ ...this.repo, title: options.title, body: options.body, labels: options.labels });
    return { number: data.number, url: data.html_url, created: true };
  }

  /** Closes the open issue for `key`, if any, with a closing comment. Returns its number. */
  async closeIssue(options: { key: string; label: string; comment: string }): Promise<number | undefined> {
    const found = await this.findOpenIssue(options.key, options.label);
    if (found === undefined) return undefined;
    await this.octokit.rest.issues.createComment({ ...this.repo, issue_number: found.number, body: options.comment });
    await this.octokit.rest.issues.update({ ...this.repo, issue_number: found.number, state: "closed" });
    return found.number;
  }
}

// ---------- single requests the helper's methods build on ----------

/** GET /user; installation tokens get 401/403/404 there, which means "no user login". */
function fetchSelfLogin(octokit: Octokit): Promise<string | undefined> {
  return octokit.rest.users.getAuthenticated().then(
    ({ data }) => data.login,
    (error: unknown) => {
      const s = status(error);
      if (s === 401 || s === 403 || s === 404) return undefined;
      throw error;
    },
  );
}

async function openPullRequest(octokit: Octokit, repo: RepoRef, options: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequestRef> {
  const { data } = await octokit.rest.pulls.create({ ...repo, head: options.head, base: options.base, title: options.title, body: options.body, draft: options.draft });
  return { number: data.number, url: data.html_url, created: true };
}

/** The user's role on the repository; `role_name` tells triage and maintain apart (`permission` folds them into read/write). */
async function fetchRole(octokit: Octokit, repo: RepoRef, login: string): Promise<RepoPermission> {
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
  const role = (data as { role_name?: string }).role_name ?? data.permission;
  return role in RANK ? (role as RepoPermission) : "read";
}
