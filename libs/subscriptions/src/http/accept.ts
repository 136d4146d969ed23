/**
 * Which of `types` (plain `type/subtype`s) an Accept header prefers, chosen as Express's
 * `req.accepts` chose: highest q, then the most specific range that matched, then the earlier
 * range, then the earlier type; the first type when there is no header; undefined when none is acceptable.
 */
export function preferredType(accept: string | undefined, types: readonly string[]): string | undefined {
  if (!accept) return types[0];
  const ranges = accept.split(',').flatMap((entry, order) => {
    const [range, ...parameters] = entry.split(';').map((part) => part.trim());
    const [type, subtype, extra] = range.toLowerCase().split('/');
    if (!type || !subtype || extra !== undefined) return [];
    let q = 1;
    let otherParameters = false;
    for (const parameter of parameters) {
      const [name, value = ''] = parameter.split('=').map((part) => part.trim());
      if (name.toLowerCase() === 'q') q = parseFloat(value);
      else if (value.replace(/^"|"$/g, '') !== '*') otherParameters = true;
    }
    // A range with parameters (text/html;level=1) never matches a type given without them.
    return otherParameters ? [] : [{ type, subtype, q, order }];
  });
  let best: { index: number; q: number; specificity: number; order: number } | undefined;
  types.forEach((candidate, index) => {
    const [type, subtype] = candidate.split('/');
    let match: { q: number; specificity: number; order: number } | undefined;
    for (const range of ranges) {
      if ((range.type !== type && range.type !== '*') || (range.subtype !== subtype && range.subtype !== '*')) continue;
      const specificity = (range.type === type ? 4 : 0) | (range.subtype === subtype ? 2 : 0);
      // The range that says most about this type: the most specific, then the highest q, then the later.
      if (!match || (specificity - match.specificity || range.q - match.q || range.order - match.order) > 0) {
        match = { q: range.q, specificity, order: range.order };
      }
    }
    if (!match || !(match.q > 0)) return;
    const better =
      !best ||
      match.q > best.q ||
      (match.q === best.q && (match.specificity > best.specificity || (match.specificity === best.specificity && match.order < best.order)));
    if (better) best = { index, ...match };
  });
  return best === undefined ? undefined : types[best.index];
}
