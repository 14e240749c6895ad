// The sticky comment while a run has no result yet: the working comment, a failure, a failure
// before solving. None of them may replace an earlier run's result (infrastructure never
// overwrites evidence): when the comment already holds a result, that result stays and only a
// short note under it says that a rerun is under way or failed, and why.
import type { GitHubHelper } from "../github/github.ts";
import { markerFor, MAX_COMMENT_CHARS } from "../github/github.ts";
import { plainLine } from "../github/text.ts";
import { escapeInline } from "../report/markdown.ts";

/** Opens the note a later run adds under an earlier result; everything after it is the note. */
export const RERUN_NOTE_MARKER = "<!-- sstar-action:rerun-note -->";

/**
 * True when `body` (one of our comments for `key`) holds a run's result rather than a status:
 * the working comment opens with "⏳", a failure or refusal with a CAUTION alert.
 */
export function holdsResult(body: string, key: string): boolean {
  const rest = body.trimStart().slice(markerFor(key).length).trimStart();
  return rest !== "" && !rest.startsWith("⏳") && !rest.startsWith("> [!CAUTION]");
}

/** `result` with its note (if any) replaced by `note`: one line, inert. */
export function withRerunNote(result: string, note: string): string {
  const at = result.indexOf(RERUN_NOTE_MARKER);
  const tail = `\n\n${RERUN_NOTE_MARKER}\n> [!NOTE]\n> ${escapeInline(plainLine(note, 600))}`;
  const kept = (at >= 0 ? result.slice(0, at) : result).trimEnd();
  return `${kept.slice(0, MAX_COMMENT_CHARS - tail.length)}${tail}`;
}

export type StatusPosted = "posted" | "noted" | "unchanged";

/**
 * Posts `body` as `key`'s sticky comment on `issueNumber`, unless that comment already holds a
 * result: then the result is kept and `note` is added under it ("noted").
 */
export async function postStatusComment(gh: GitHubHelper, issueNumber: number, key: string, body: string, note: string): Promise<StatusPosted> {
  const existing = await gh.findComment(issueNumber, key);
  if (existing === undefined || !holdsResult(existing.body, key)) {
    const posted = await gh.upsertComment(issueNumber, key, body);
    return posted.changed === false ? "unchanged" : "posted";
  }
  const noted = withRerunNote(existing.body, note);
  if (noted === existing.body) return "unchanged";
  await gh.upsertComment(issueNumber, key, noted);
  return "noted";
}
