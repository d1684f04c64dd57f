/**
 * A regular expression matching exactly the decimal integers (no sign, no leading zero) greater
 * than `limit`: for servers whose only way to compare a header with a number is a pattern
 * (Caddy's `header_regexp` on Content-Length). Spelled without `{n}` counts, so that no server's
 * placeholder syntax can take a part of it.
 * @throws {TypeError} unless `limit` is a non-negative safe integer
 */
export function greaterThanPattern(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError('limit must be a non-negative safe integer');
  const digits = String(limit);
  // More digits than the limit: any such number is larger.
  const alternatives = [`[1-9]${'[0-9]'.repeat(digits.length - 1)}[0-9]+`];
  // Same number of digits: equal up to position i, larger at i, anything after.
  for (let at = 0; at < digits.length; at++) {
    const digit = Number(digits[at]);
    const lowest = digit + 1;
    if (lowest > 9) continue;
    const rest = digits.length - at - 1;
    const here = lowest === 9 ? '9' : `[${lowest}-9]`;
    alternatives.push(`${digits.slice(0, at)}${here}${'[0-9]'.repeat(rest)}`);
  }
  return `^(?:${alternatives.join('|')})$`;
}
