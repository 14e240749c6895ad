// Masking secrets in anything we print or write: log lines, error messages, reports, cassettes.
// An endpoint or proxy may echo a key in any encoding, so each secret is matched raw and as it
// looks URL-encoded (any case), JSON-escaped (\uXXXX, \/), split across lines (a wrapped log or
// MIME body), and base64 / base64url encoded at any byte alignment inside a longer blob.

const MIN_SECRET_LENGTH = 4; // shorter "secrets" would mask ordinary text ("none", "x")
/** A base64 core shorter than this would mask ordinary words. */
const MIN_BASE64_CORE = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** Hex digits as a pattern that takes either case. */
function hex(n: number, width: number): string {
  return [...n.toString(16).padStart(width, "0")].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join("");
}

/** One character as it may appear: itself, %XX (UTF-8, either case), \uXXXX, or backslash-escaped (\/). */
function charPattern(ch: string): string {
  // Backslash escapes may be escaped again (JSON inside JSON: a cassette line holding a reply).
  const forms = [escapeRegExp(ch), `\\\\+${escapeRegExp(ch)}`];
  forms.push([...Buffer.from(ch, "utf8")].map((b) => `%${hex(b, 2)}`).join(""));
  const code = ch.codePointAt(0) ?? 0;
  if (code <= 0xffff) forms.push(`\\\\+u${hex(code, 4)}`);
  return `(?:${forms.join("|")})`;
}

/** Between two characters: nothing, or a line break (real or escaped) and the next line's indent. */
const LINE_SPLIT = "(?:(?:\\r?\\n|\\\\+r\\\\+n|\\\\+n)[ \\t>]*)?";

/** The base64 text that only the secret's bytes decide, at each of the three alignments. */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const cores: string[] = [];
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const start = Math.ceil(k / 3) * 4;
    const end = Math.floor((k + bytes.length) / 3) * 4;
    if (end - start >= MIN_BASE64_CORE) cores.push(encoded.slice(start, end));
  }
  return cores;
}

function secretPattern(secret: string): string {
  const chars = [...secret];
  const plain = chars.map(charPattern).join(LINE_SPLIT);
  const encoded = base64Cores(secret).flatMap((core) => {
    const url = core.replace(/\+/g, "-").replace(/\//g, "_");
    return [...new Set([core, url])].map((c) => [...c].map((ch) => escapeRegExp(ch)).join(LINE_SPLIT));
  });
  return [plain, ...encoded].join("|");
}

const patterns = new Map<string, RegExp>();
function matcher(secret: string): RegExp {
  let re = patterns.get(secret);
  if (re === undefined) {
    re = new RegExp(secretPattern(secret), "g");
    patterns.set(secret, re);
  }
  return re;
}

/** Replaces every occurrence of each secret, in every encoding above (and any bearer token), with "***". */
export function redact(text: string, secrets: readonly (string | undefined | null)[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  const list = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  for (const secret of list) out = out.replace(matcher(secret), "***");
  // Belt and braces: a bearer token we were not told about (a header echoed by a proxy).
  return out.replace(/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1***");
}

/** A copy of `value` with every string passed through `clean` (reports are plain JSON data). */
export function redactDeep<T>(value: T, clean: (text: string) => string): T {
  if (typeof value === "string") return clean(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, clean)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, clean)])) as T;
  }
  return value;
}

/** Whether `text` holds a control character (C0 or DEL), which no header value may. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Why a key can't be sent as an HTTP header value, or null when it can: a control character
 * (a line break pasted with it) or whitespace inside it. Never says what the key is.
 */
export function unsendableKey(key: string): string | null {
  if (hasControlCharacter(key)) return "holds a control character (a line break or tab pasted with it?)";
  if (/\s/.test(key)) return "holds whitespace inside it";
  if (/[^\u0020-\u00ff]/.test(key)) return "holds a character outside Latin-1, which no HTTP header can carry";
  return null;
}
