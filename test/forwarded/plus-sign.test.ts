import { parseForwardedCertificate } from '../../src/forwarded/index.js';
import { literalSet, percentDecodeStrict } from '../../src/forwarded/percent-decode.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { codeOf, readHeader } from './helpers.js';

// The peers' classic bug: form decoding turns `+` (a base64 character) into a space.
describe('`+` is never a space', () => {
  it.each([
    ['%2B', literalSet(), '+'],
    ['a+b', literalSet('+'), 'a+b'],
    ['%2b%2F%3d', literalSet(), '+/='],
    ['%20', literalSet(), ' '],
  ])('percentDecodeStrict(%j) is %j', (input, literals, output) => {
    expect(percentDecodeStrict(input, literals)).toBe(output);
  });

  it('a literal + is refused where the format escapes it, not turned into a space', () => {
    expect(codeOf(() => percentDecodeStrict('a+b', literalSet()))).toBe('ERR_CERT_HEADER_ENCODING');
  });

  const rsa = opensslThumbprint(pkiPath('client-rsa.pem'));
  it.each([
    ['nginx', 'nginx/client-rsa.txt'],
    ['apache-escaped', 'apache-escaped/client-rsa.txt'],
    ['aws-alb', 'aws-alb/client-rsa.txt'],
    ['xfcc', 'xfcc/client-rsa.txt'],
  ] as const)('%s: a certificate whose base64 holds + decodes to the right thumbprint', (format, file) => {
    const value = readHeader(file);
    expect(value.includes('+') || value.includes('%2B')).toBe(true);
    expect(parseForwardedCertificate(value, format).thumbprint).toBe(rsa);
  });

  it('apache-escaped and aws-alb accept %2B as well as a literal +, both meaning +', () => {
    const literal = readHeader('aws-alb/client-rsa.txt');
    expect(literal).toContain('+');
    expect(parseForwardedCertificate(literal.replace(/\+/g, '%2B'), 'aws-alb').thumbprint).toBe(rsa);
    expect(parseForwardedCertificate(readHeader('apache-escaped/client-rsa.txt').replace(/\+/g, '%2b'), 'apache-escaped').thumbprint).toBe(rsa);
  });

  it('a form decoder\'s output (+ became space) is refused, not silently decoded to another certificate', () => {
    const formDecoded = readHeader('aws-alb/client-rsa.txt').replace(/\+/g, '%20');
    expect(codeOf(() => parseForwardedCertificate(formDecoded, 'aws-alb'))).toBe('ERR_CERT_HEADER_ENCODING');
  });
});
