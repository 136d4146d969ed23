/**
 * How deeply a JSON body may nest objects and arrays. The deepest real body needs 3 (the body,
 * `partners`, a partner); class-transformer recurses per level and overflows the stack at ~1,500,
 * which a 64 KB body can exceed twenty times over.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys every object inherits. Nest's ValidationPipe deletes `__proto__`, `constructor` and
 * `prototype`, and class-transformer skips any key whose inherited value is a function
 * (`toString`, `hasOwnProperty`...), so these would be dropped without a word — the contract says
 * unknown fields are refused, never ignored — and they are what prototype pollution is made of.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Text that no person types and that email, XML (360Giving) and CSV cannot carry faithfully:
 * C0 control characters other than tab, line feed and carriage return; DEL; and UTF-16 surrogates
 * without their pair (they become U+FFFD, silently changing the record, once encoded as UTF-8).
 */
const UNREPRESENTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MAX_PROBLEMS = 20;

/**
 * What is hostile in a parsed JSON body, each problem naming its field, walked without recursion
 * (the body may be nested far deeper than the stack allows). Empty: nothing hostile.
 */
export function hostileJsonProblems(body: unknown): string[] {
  const problems = new Set<string>();
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 1 }];
  while (pending.length > 0 && problems.size < MAX_PROBLEMS) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      if (UNREPRESENTABLE.test(value)) problems.add(`${path || 'body'} must not contain control characters or unpaired surrogates`);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_BODY_DEPTH) {
      problems.add(`${path.split('.')[0]} is nested more than ${MAX_BODY_DEPTH} levels deep`);
      continue;
    }
    const isArray = Array.isArray(value);
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (!isArray && PROTOTYPE_KEYS.has(key)) problems.add(`property ${childPath} should not exist`);
      else pending.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return [...problems];
}
