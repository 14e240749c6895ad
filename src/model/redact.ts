// Masking secrets in anything we print: log lines, error messages, reports.

const MIN_SECRET_LENGTH = 4; // shorter "secrets" would mask ordinary text ("none", "x")

/** Replaces every occurrence of each secret (and any bearer token) with "***". */
export function redact(text: string, secrets: readonly (string | undefined | null)[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  const list = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  for (const secret of list) out = out.split(secret).join("***");
  // Belt and braces: a bearer token we were not told about (a header echoed by a proxy).
  return out.replace(/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1***");
}
