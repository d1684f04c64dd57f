import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { RevocationChecker, REVOCATION_CHECKER_DEFAULTS } from '../../src/revocation/index.js';

describe('new RevocationChecker(options)', () => {
  it.each([
    [{ crlFile: 'x.crl' }, /unknown option "crlFile". Did you mean "crlFiles"/],
    [{ ocsp: true, mode: 'softfail' }, /mode must be one of 'hard-fail', 'soft-fail'. Did you mean 'soft-fail'/],
    [{ ocsp: true, scope: 'all' }, /scope must be one of/],
    [{ ocspResponder: 'http://127.0.0.1:1/' }, /ocspResponder needs ocsp: true/],
    [{ ocsp: true, ocspResponder: 'ldap://x/' }, /ocspResponder must be an http\(s\) URL/],
    [{ ocsp: true, timeoutMs: 0 }, /timeoutMs must be an integer from 1 to 60000/],
    [{ ocsp: true, ocspNonce: 'yes' }, /ocspNonce must be one of/],
    [{ ocsp: 'yes' }, /ocsp must be a boolean/],
    [{ crlFiles: [''] }, /crlFiles must be a file name/],
    [{ ocsp: true, ocspTrustedResponders: 'not pem' }, /ocspTrustedResponders must be PEM/],
    [{}, /nothing to check/],
  ])('refuses %j with a TypeError that says why', (options, message) => {
    expect(() => new RevocationChecker(options as never)).toThrow(TypeError);
    expect(() => new RevocationChecker(options as never)).toThrow(message);
  });

  it('defaults to hard-fail, the whole chain, a nonce and bounded fetches', () => {
    expect(REVOCATION_CHECKER_DEFAULTS).toMatchObject({ mode: 'hard-fail', scope: 'chain', ocspNonce: 'send', timeoutMs: 3000, maxOcspResponseBytes: 65536 });
    expect(new RevocationChecker({ ocsp: true }).mode).toBe('hard-fail');
  });
});

describe('docs/authorization-server.md, revocation section', () => {
  const docs = readFileSync(new URL('../../docs/authorization-server.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('## Revocation of client certificates'), docs.indexOf('## Several instances'));
  const shown = (value: unknown) => (value === undefined || (Array.isArray(value) && value.length === 0) ? 'none' : typeof value === 'string' ? `\`'${value}'\`` : `\`${value}\``);
  it.each(Object.entries(REVOCATION_CHECKER_DEFAULTS))('states option %s with its default', (name, value) => {
    expect(section).toContain(`| \`${name}\` | ${shown(value)} |`);
  });
  it('names both refusal codes', () => {
    expect(section).toContain('ERR_CHAIN_REVOKED');
    expect(section).toContain('ERR_REVOCATION_UNKNOWN');
  });
});
