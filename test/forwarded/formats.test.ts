import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectForwardedFormat, parseForwardedCertificate, type ForwardedFormat } from '../../src/forwarded/index.js';
import { opensslThumbprint, pkiPath } from '../helpers/fixtures.js';
import { readHeader } from './helpers.js';

interface Expected { file: string; format: ForwardedFormat; leaf: string; chain: string[]; chainHeaders?: string[]; thumbprint: string; chainThumbprints: string[] }
const expected = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'headers', 'expected.json'), 'utf8')) as Expected[];

describe('parseForwardedCertificate(value, format) on the generated header fixtures', () => {
  it('covers every format, with and without a chain', () => {
    expect(new Set(expected.map((entry) => entry.format))).toEqual(new Set(['nginx', 'apache', 'apache-escaped', 'aws-alb', 'base64-der', 'rfc9440', 'xfcc']));
    expect(expected.filter((entry) => entry.chain.length > 0).map((entry) => entry.format)).toEqual(expect.arrayContaining(['apache', 'aws-alb', 'base64-der', 'rfc9440', 'xfcc']));
  });

  describe.each(expected)('$file', (entry) => {
    const options = entry.chainHeaders ? { chain: entry.chainHeaders } : {};

    it('decodes to the thumbprint openssl computes, with the chain filled', () => {
      const certificate = parseForwardedCertificate(readHeader(entry.file), entry.format, options);
      expect(certificate.thumbprint).toBe(opensslThumbprint(pkiPath(entry.leaf)));
      expect(certificate.thumbprint).toBe(entry.thumbprint);
      expect(certificate.source).toBe('header');
      expect(certificate.chain.map((link) => link.thumbprint)).toEqual(entry.chain.map((name) => opensslThumbprint(pkiPath(name))));
    });

    it('is recognised by auto as its own format and decodes the same', () => {
      const value = readHeader(entry.file);
      expect(detectForwardedFormat(value)).toBe(entry.format);
      expect(parseForwardedCertificate(value, 'auto', options).thumbprint).toBe(entry.thumbprint);
    });
  });
});
