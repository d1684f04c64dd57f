/**
 * RFC 8707 section 2: a resource indicator "MUST be an absolute URI, as specified by Section 4.3
 * of [RFC3986]. ... MUST NOT include a fragment component."
 */
export function isAbsoluteUriWithoutFragment(value: string): boolean {
  if (value.length > 2048 || !/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s#]*$/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
