// The HTML report as a workflow artifact: written next to the results, uploaded with
// @actions/artifact, linked from the job summary and the regression issue. The upload fails soft:
// outside GitHub Actions (no runtime token) or on an upload error the step warns, keeps the file in
// the result folder, and the links say where it is instead.
import { basename, dirname } from "node:path";
import { writeTextAtomic } from "../eval/files.ts";

export const HTML_ARTIFACT_NAME = "sstar-html-report";

export interface HtmlArtifact {
  path: string;
  /** The artifact's page, when the upload succeeded. */
  url?: string;
  /** Why it was not uploaded (one line), when it was not. */
  notUploaded?: string;
}

/** Writes `html` to `path` and uploads it as the artifact; never throws for the upload. */
export async function publishHtmlReport(path: string, html: string, runUrl: string | undefined, warn: (line: string) => void): Promise<HtmlArtifact> {
  await writeTextAtomic(path, html);
  if (!process.env.ACTIONS_RUNTIME_TOKEN) {
    const notUploaded = "not running in GitHub Actions (ACTIONS_RUNTIME_TOKEN is not set)";
    warn(`HTML report not uploaded as an artifact: ${notUploaded}; it is at ${path}`);
    return { path, notUploaded };
  }
  try {
    // Imported here: the client pulls in the Azure storage SDK, which only an upload needs.
    const { DefaultArtifactClient } = await import("@actions/artifact");
    const { id } = await new DefaultArtifactClient().uploadArtifact(HTML_ARTIFACT_NAME, [path], dirname(path), { retentionDays: 30 });
    return { path, ...(id !== undefined && runUrl !== undefined ? { url: `${runUrl}/artifacts/${id}` } : {}) };
  } catch (error) {
    const notUploaded = (error as Error).message.split("\n")[0] ?? String(error);
    warn(`HTML report not uploaded as an artifact: ${notUploaded}; it is at ${path}`);
    return { path, notUploaded };
  }
}

/** The Markdown line that points at the report. */
export function htmlReportLink(a: HtmlArtifact): string {
  if (a.url !== undefined) return `📊 [HTML report](${a.url}) (artifact \`${HTML_ARTIFACT_NAME}\`: trend chart, flipped problems, shards)`;
  return `📊 HTML report: \`${basename(a.path)}\` in the result folder (not uploaded: ${a.notUploaded ?? "unknown reason"})`;
}
