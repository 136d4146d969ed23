/** A page's form as the body parser gives it: each field a string, or a list when repeated (checkboxes). */
export type FormFields = Record<string, string | string[] | undefined> | undefined;

/** One text field, trimmed; '' when absent. A repeated field (a forged form) counts as its first value. */
export function textOf(body: FormFields, name: string): string {
  const value = body?.[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

/** A field that may be repeated (checkboxes): every non-empty value. */
export function listOf(body: FormFields, name: string): string[] {
  const value = body?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim()).filter((v) => v !== '');
}
