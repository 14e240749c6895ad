// The pull-request title and commit-message templates (inputs pr-title, commit-message): plain
// text with {placeholder} fields filled from the problem. Pure. Values from issues are untrusted:
// the caller makes the result one plain line where it must be one (a title, a subject line).

export const TEMPLATE_FIELDS = ["problem", "id", "title", "issue", "key", "model", "selection", "samples"] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
export type TemplateValues = Record<TemplateField, string>;

const FIELD = /\{([^{}]*)\}/g;

/** Why `template` cannot be used (an unknown placeholder, or nothing but whitespace), or undefined. */
export function checkTemplate(template: string): string | undefined {
  if (template.trim() === "") return "must not be empty";
  for (const [, name] of template.matchAll(FIELD)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(name!)) return `unknown placeholder {${name}}: use ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(", ")}`;
  }
  return undefined;
}

/** Fills every {field}; the template was checked when the inputs were read. */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(FIELD, (all, name: string) => ((TEMPLATE_FIELDS as readonly string[]).includes(name) ? values[name as TemplateField] : all));
}
