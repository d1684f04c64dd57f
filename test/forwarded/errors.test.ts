import { parseForwardedCertificate, type ForwardedFormat } from '../../src/forwarded/index.js';
import type { CertificateErrorCode } from '../../src/certificate/errors.js';
import { readPki } from '../helpers/fixtures.js';
import { codeOf, readHeader } from './helpers.js';

const nginxValue = readHeader('nginx/client-ec.txt');
const nginxRsa = readHeader('nginx/client-rsa.txt');
const apacheValue = readHeader('apache/client-ec.txt');
const escapedValue = readHeader('apache-escaped/client-ec.txt');
const albValue = readHeader('aws-alb/client-ec.txt');
const base64Value = readHeader('base64-der/client-ec.txt');
const rfcValue = readHeader('rfc9440/client-ec.txt');
const xfccValue = readHeader('xfcc/client-ec.txt');
const intermediateBase64 = readHeader('base64-der/client-ec-chain.txt').split(',')[1]!;
const nginxEscape = (text: string) => text.replace(/[^A-Za-z0-9\-._~]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
// A SEQUENCE that frames correctly but is no certificate: three empty children of the right tags.
const notACertificate = Buffer.from([0x30, 0x06, 0x30, 0x00, 0x30, 0x00, 0x03, 0x00]).toString('base64');

const cases: { name: string; value: string; format: ForwardedFormat; code: CertificateErrorCode; chain?: string[]; maxLength?: number }[] = [
  { name: 'an empty value', value: '', format: 'nginx', code: 'ERR_CERT_HEADER_EMPTY' },
  { name: 'an empty value, auto', value: '', format: 'auto', code: 'ERR_CERT_HEADER_EMPTY' },
  { name: "Apache's (null)", value: '(null)', format: 'apache', code: 'ERR_CERT_HEADER_ABSENT' },
  { name: 'a value one byte over the cap', value: nginxValue, format: 'nginx', maxLength: nginxValue.length - 1, code: 'ERR_CERT_HEADER_TOO_LARGE' },
  { name: 'a huge garbage value (refused before decoding)', value: '%'.repeat(1 << 20), format: 'nginx', code: 'ERR_CERT_HEADER_TOO_LARGE' },
  { name: 'a chain value over the cap', value: apacheValue, format: 'apache', chain: ['x'.repeat(20000)], code: 'ERR_CERT_HEADER_TOO_LARGE' },
  { name: 'too many chain headers', value: apacheValue, format: 'apache', chain: Array(9).fill('(null)'), code: 'ERR_CERT_HEADER_TOO_LARGE' },
  { name: 'nginx: a truncated escape', value: nginxValue.slice(0, -2), format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: a non-hex escape', value: nginxValue.replace('%0A', '%0G'), format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: a literal + (nginx always sends %2B)', value: nginxRsa.replace('%2B', '+'), format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: a literal space', value: nginxValue.replace('%20', ' '), format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: the unescaped PEM', value: readPki('client-ec.pem'), format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: a non-ASCII character', value: `${nginxValue}\u00e9`, format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: %2B decoded as a space would be, i.e. a space in base64', value: nginxRsa.replace('%2B', '%20'), format: 'nginx', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'nginx: escaped text that is not PEM', value: 'hello%20world', format: 'nginx', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'nginx: two certificates', value: nginxValue + nginxValue, format: 'nginx', code: 'ERR_CERT_HEADER_MULTIPLE' },
  { name: 'nginx: garbage after END', value: `${nginxValue}garbage`, format: 'nginx', code: 'ERR_CERT_HEADER_TRAILING_DATA' },
  { name: 'nginx: bytes after the DER inside the PEM', value: nginxEscape(`-----BEGIN CERTIFICATE-----\n${Buffer.concat([Buffer.from(readHeader('base64-der/client-ec.txt'), 'base64'), Buffer.from([0, 0, 0])]).toString('base64')}\n-----END CERTIFICATE-----\n`), format: 'nginx', code: 'ERR_CERT_HEADER_TRAILING_DATA' },
  { name: 'nginx: a PEM of something else', value: nginxEscape(`-----BEGIN CERTIFICATE-----\n${notACertificate}\n-----END CERTIFICATE-----\n`), format: 'nginx', code: 'ERR_CERT_INVALID' },
  { name: 'apache: bad base64 inside', value: apacheValue.replace('MII', 'M*I'), format: 'apache', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'apache: no END line', value: apacheValue.replace('-----END CERTIFICATE-----', ''), format: 'apache', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'apache: a chain header that is garbage', value: apacheValue, format: 'apache', chain: ['garbage'], code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'apache: a chain header after (null)', value: apacheValue, format: 'apache', chain: ['(null)', readHeader('real/apache-chain-0.client-rsa.txt')], code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'apache: a chain header holding a non-certificate', value: apacheValue, format: 'apache', chain: [`-----BEGIN CERTIFICATE----- ${notACertificate} -----END CERTIFICATE-----`], code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'apache-escaped: a bad escape', value: escapedValue.replace('%0a', '%a'), format: 'apache-escaped', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'apache-escaped: two certificates', value: escapedValue + escapedValue, format: 'apache-escaped', code: 'ERR_CERT_HEADER_MULTIPLE' },
  { name: 'aws-alb: a chain element that is no certificate', value: albValue + nginxEscape(`-----BEGIN CERTIFICATE-----\n${notACertificate}\n-----END CERTIFICATE-----\n`), format: 'aws-alb', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'aws-alb: a stray %', value: `${albValue}%`, format: 'aws-alb', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'base64-der: base64url', value: base64Value.replace(/\+/g, '-').replace(/\//g, '_'), format: 'base64-der', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'base64-der: missing padding', value: base64Value.replace(/=+$/, ''), format: 'base64-der', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'base64-der: PEM armour', value: readPki('client-ec.pem'), format: 'base64-der', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'base64-der: an empty chain element', value: `${base64Value},`, format: 'base64-der', code: 'ERR_CERT_CHAIN_INVALID' },
  // A chain certificate inside the value that fails to decode is a chain fault, as in the separate-header path.
  { name: 'base64-der: a chain element that is not base64', value: `${base64Value},${intermediateBase64.replace('MII', 'M*I')}`, format: 'base64-der', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'base64-der: a separate chain header that is not base64', value: base64Value, format: 'base64-der', chain: [intermediateBase64.replace('MII', 'M*I')], code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'aws-alb: a chain block with bad base64', value: albValue + nginxEscape(`-----BEGIN CERTIFICATE-----\n${intermediateBase64.replace('MII', 'M*I')}\n-----END CERTIFICATE-----\n`), format: 'aws-alb', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'aws-alb: a chain block without its END line', value: albValue + nginxEscape(`-----BEGIN CERTIFICATE-----\n${intermediateBase64}\n`), format: 'aws-alb', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'aws-alb: the leaf block with bad base64 stays an encoding error', value: albValue.replace('MII', 'M*I') + nginxEscape(`-----BEGIN CERTIFICATE-----\n${intermediateBase64}\n-----END CERTIFICATE-----\n`), format: 'aws-alb', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'xfcc: a Chain with bad base64', value: `${xfccValue};Chain=${nginxEscape(`-----BEGIN CERTIFICATE-----\n${intermediateBase64.replace('MII', 'M*I')}\n-----END CERTIFICATE-----\n`)}`, format: 'xfcc', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'xfcc: a Chain with a bad escape', value: `${xfccValue};Chain=%ZZ`, format: 'xfcc', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'base64-der: DER with trailing bytes', value: Buffer.concat([Buffer.from(base64Value, 'base64'), Buffer.from([1, 2, 3])]).toString('base64'), format: 'base64-der', code: 'ERR_CERT_HEADER_TRAILING_DATA' },
  { name: 'base64-der: not a certificate', value: notACertificate, format: 'base64-der', code: 'ERR_CERT_INVALID' },
  { name: 'base64-der: a chain element that is not a certificate', value: `${base64Value},${notACertificate}`, format: 'base64-der', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'rfc9440: no colons', value: base64Value, format: 'rfc9440', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'rfc9440: no closing colon', value: rfcValue.slice(0, -1), format: 'rfc9440', code: 'ERR_CERT_HEADER_ENCODING' },
  { name: 'rfc9440: a list of two', value: `${rfcValue}, ${rfcValue}`, format: 'rfc9440', code: 'ERR_CERT_HEADER_MULTIPLE' },
  { name: 'rfc9440: garbage after the item', value: `${rfcValue}x`, format: 'rfc9440', code: 'ERR_CERT_HEADER_TRAILING_DATA' },
  { name: 'rfc9440: parameters', value: `${rfcValue};a=1`, format: 'rfc9440', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'rfc9440: a chain list with a trailing comma', value: rfcValue, format: 'rfc9440', chain: [`:${intermediateBase64}:,`], code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'rfc9440: a chain member that is a token', value: rfcValue, format: 'rfc9440', chain: [`:${intermediateBase64}:, token`], code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'xfcc: the last element has no Cert', value: `${xfccValue},By=spiffe://example.com/x;URI=spiffe://example.com/y`, format: 'xfcc', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'xfcc: an unterminated quote', value: 'Cert="abc', format: 'xfcc', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'xfcc: a trailing comma', value: `${xfccValue},`, format: 'xfcc', code: 'ERR_CERT_HEADER_FORMAT' },
  { name: 'xfcc: Cert twice in the last element', value: `${xfccValue};${xfccValue.slice(xfccValue.indexOf('Cert='))}`, format: 'xfcc', code: 'ERR_CERT_HEADER_MULTIPLE' },
  { name: 'xfcc: a Chain that does not start with Cert', value: `${readHeader('xfcc/client-rsa.txt')};Chain=${readHeader('xfcc/client-ec-chain.txt').match(/Chain="([^"]*)"/)![1]}`, format: 'xfcc', code: 'ERR_CERT_CHAIN_INVALID' },
  { name: 'auto: a value of no known format', value: '{"cert":1}', format: 'auto', code: 'ERR_CERT_HEADER_FORMAT' },
];

describe('parseForwardedCertificate(value, format) refuses bad input with a specific code', () => {
  it.each(cases)('$name -> $code', ({ value, format, code, chain, maxLength }) => {
    expect(codeOf(() => parseForwardedCertificate(value, format, { ...(chain ? { chain } : {}), ...(maxLength ? { maxLength } : {}) }))).toBe(code);
  });

  it('covers every code a decoder can produce (ERR_CERT_HEADER_DUPLICATE belongs to the middleware)', () => {
    expect([...new Set(cases.map((entry) => entry.code))].sort()).toEqual([
      'ERR_CERT_CHAIN_INVALID', 'ERR_CERT_HEADER_ABSENT', 'ERR_CERT_HEADER_EMPTY', 'ERR_CERT_HEADER_ENCODING', 'ERR_CERT_HEADER_FORMAT',
      'ERR_CERT_HEADER_MULTIPLE', 'ERR_CERT_HEADER_TOO_LARGE', 'ERR_CERT_HEADER_TRAILING_DATA', 'ERR_CERT_INVALID',
    ]);
  });
});

describe('parseForwardedCertificate misuse', () => {
  it.each([
    ['an unknown format, with a hint', () => parseForwardedCertificate(nginxValue, 'ngnix' as ForwardedFormat), /Did you mean nginx\?/],
    ['an unknown option, with a hint', () => parseForwardedCertificate(nginxValue, 'nginx', { maxLenght: 10 } as never), /Did you mean maxLength\?/],
    ['a non-positive maxLength', () => parseForwardedCertificate(nginxValue, 'nginx', { maxLength: 0 }), /maxLength/],
    ['a chain header for a format that carries its chain inline', () => parseForwardedCertificate(albValue, 'aws-alb', { chain: ['x'] }), /no separate chain header/],
  ])('throws a TypeError for %s', (_name, run, message) => {
    expect(run).toThrow(TypeError);
    expect(run).toThrow(message);
  });
});
