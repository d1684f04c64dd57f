import { parseByteSequenceItem, parseByteSequenceList } from '../../src/forwarded/structured-field.js';
import { parseXfcc } from '../../src/forwarded/xfcc-elements.js';
import { detectForwardedFormat } from '../../src/forwarded/auto.js';
import { codeOf } from './helpers.js';

describe('structured-field byte sequences (RFC 8941 sections 3.3.5, 4.2.7)', () => {
  it.each([
    ['  :AQID:  ', [1, 2, 3]],
    [':AQID:', [1, 2, 3]],
  ])('item %j', (text, bytes) => expect([...parseByteSequenceItem(text)]).toEqual(bytes));

  it.each([
    ['', []],
    [':AQID:', [[1, 2, 3]]],
    [':AQID:,:BA==:', [[1, 2, 3], [4]]],
    [':AQID: ,\t :BA==:', [[1, 2, 3], [4]]],
  ])('list %j', (text, lists) => expect(parseByteSequenceList(text).map((b) => [...b])).toEqual(lists));

  it.each([
    [':AQID:,', 'ERR_CERT_HEADER_ENCODING'],
    [':AQ ID:', 'ERR_CERT_HEADER_ENCODING'],
    [':AQ:', 'ERR_CERT_HEADER_ENCODING'],
    ['(:AQID:)', 'ERR_CERT_HEADER_FORMAT'],
    [':AQID:;x', 'ERR_CERT_HEADER_FORMAT'],
    [':AQID: :BA==:', 'ERR_CERT_HEADER_TRAILING_DATA'],
  ])('list %j is refused with %s', (text, code) => expect(codeOf(() => parseByteSequenceList(text))).toBe(code));
});

describe('parseXfcc (Envoy x-forwarded-client-cert)', () => {
  it('splits elements and pairs, honours quotes and escapes, lower-cases keys', () => {
    expect(parseXfcc('By=a;SUBJECT="CN=x,O=\\"y\\";z",Hash=h ; URI=u')).toEqual([
      [['by', 'a'], ['subject', 'CN=x,O="y";z']],
      [['hash', 'h'], ['uri', 'u']],
    ]);
  });

  it.each(['', ',', 'By', 'By=a;', 'By="a"b', 'By=a=b', '=a', 'By="a\\'])('refuses %j', (text) => {
    expect(codeOf(() => parseXfcc(text))).toBe('ERR_CERT_HEADER_FORMAT');
  });
});

describe('detectForwardedFormat(value)', () => {
  it.each([
    ['(null)', 'apache'],
    ['-----BEGIN CERTIFICATE----- MII', 'apache'],
    [':MIIB:', 'rfc9440'],
    ['-----BEGIN%20CERTIFICATE-----%0aMII', 'apache-escaped'],
    ['-----BEGIN%20CERTIFICATE-----%0AMII+', 'aws-alb'],
    ['-----BEGIN%20CERTIFICATE-----%0AMII%2B', 'nginx'],
    ['Hash=ab;Cert="x"', 'xfcc'],
    ['cert=x', 'xfcc'],
    ['MIIB', 'base64-der'],
  ])('%j is %s', (value, format) => expect(detectForwardedFormat(value)).toBe(format));
});
