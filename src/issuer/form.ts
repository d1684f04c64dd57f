import type { Request } from 'express';
import { OAuthError } from '../oauth/errors.js';

/** The parameters of a form-encoded request body. */
export interface FormParameters {
  /** The single value of `name`, or undefined when absent or empty. */
  get(name: string): string | undefined;
  /** Every value of `name` (only for parameters that may repeat). */
  all(name: string): string[];
}

/**
 * The body parameters of `req`, which express.urlencoded parsed. RFC 6749 section 3.2:
 * "Request and response parameters MUST NOT be included more than once", except those in
 * `repeatable` (RFC 8707 `resource`); section 3.1: parameters without a value count as omitted.
 * @throws {OAuthError} `invalid_request` when the body is not form-encoded or a parameter repeats
 */
export function formParameters(req: Request, repeatable: readonly string[] = []): FormParameters {
  const body = req.body as Record<string, string | string[]> | undefined;
  if (!req.is('application/x-www-form-urlencoded') || !body || typeof body !== 'object') {
    throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded', { detail: `content-type ${req.headers['content-type'] ?? 'none'}` });
  }
  for (const name of Object.keys(body)) {
    if (Array.isArray(body[name]) && !repeatable.includes(name)) {
      throw new OAuthError('invalid_request', `the parameter "${name.slice(0, 64)}" is included more than once`);
    }
  }
  const values = (name: string): string[] => {
    if (!Object.hasOwn(body, name)) return [];
    const value = body[name]!;
    return (Array.isArray(value) ? value : [value]).filter((item) => typeof item === 'string' && item !== '');
  };
  return { get: (name) => values(name)[0], all: values };
}
