/**
 * Cold decode of each forwarding format (parseForwardedCertificate: decode, SHA-256, full
 * validation with node:crypto and the DER field reader), next to a bare node:crypto
 * `new X509Certificate(der)` of the same certificate, measured in the same run.
 * The LRU row is a cache hit keyed by the header value, for comparison with the middleware.
 */
import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { parseForwardedCertificate, type ForwardedFormat } from '../src/forwarded/index.js';
import { pemToDer } from '../src/certificate/pem.js';
import type { ClientCertificate } from '../src/certificate/model.js';
import { measure, printTable } from './lib.js';

const root = join(import.meta.dirname, '..');
const header = (file: string) => readFileSync(join(root, 'fixtures', 'headers', file), 'utf8');
const der = pemToDer(readFileSync(join(root, 'fixtures', 'pki', 'client-ec.pem'), 'utf8'));
const ms = Number(process.env.BENCH_MS ?? 1000);

const cases: [string, ForwardedFormat, string][] = [
  ['nginx', 'nginx', header('real/nginx-escaped-cert.client-ec-chain.txt')],
  ['apache', 'apache', header('real/apache-cert.client-ec-chain.txt')],
  ['apache-escaped', 'apache-escaped', header('real/apache-escaped-cert.client-ec-chain.txt')],
  ['aws-alb', 'aws-alb', header('aws-alb/client-ec.txt')],
  ['base64-der', 'base64-der', header('base64-der/client-ec.txt')],
  ['rfc9440', 'rfc9440', header('rfc9440/client-ec.txt')],
  ['xfcc', 'xfcc', header('xfcc/client-ec.txt')],
  ['auto (nginx value)', 'auto', header('real/nginx-escaped-cert.client-ec-chain.txt')],
];

const rows = [await measure('bare node:crypto new X509Certificate(der)', () => new X509Certificate(der), ms)];
for (const [name, format, value] of cases) rows.push(await measure(`${name} cold (decode + validate)`, () => parseForwardedCertificate(value, format), ms));
rows.push(await measure('aws-alb leaf + intermediate cold', () => parseForwardedCertificate(header('aws-alb/client-ec-chain.txt'), 'aws-alb'), ms));

const cache = new LRUCache<string, ClientCertificate>({ max: 10000 });
const nginxValue = cases[0]![2];
rows.push(await measure('nginx LRU hit (keyed by header value)', () => {
  let hit = cache.get(nginxValue);
  if (!hit) cache.set(nginxValue, (hit = parseForwardedCertificate(nginxValue, 'nginx')));
  return hit;
}, ms));
printTable('forwarded certificate decoders (client-ec, P-256)', rows);

// Refusals of hostile values (test/forwarded/robustness.test.ts checks their codes): each should
// cost about what a real decode costs, or less, and the 10 MB value nothing (refused on length).
const refuse = (value: string, format: ForwardedFormat) => () => {
  try {
    parseForwardedCertificate(value, format);
  } catch {
    // the refusal is the point
  }
};
const cap = 16384;
const hostile: [string, string][] = [
  ['percent signs at the cap', '%'.repeat(cap)],
  ['quotes and backslashes at the cap (xfcc)', `Cert="${'\\"'.repeat(cap / 2 - 4)}`],
  ['many xfcc elements at the cap', 'By=a,'.repeat(cap / 5 - 1) + 'By=a'],
  ['many sf-list members at the cap', ':AAAA:,'.repeat(cap / 7 - 1) + ':AAAA:'],
  ['spaces inside PEM at the cap', `-----BEGIN CERTIFICATE-----${' '.repeat(cap - 60)}-----END CERTIFICATE-----`],
];
const refusals = [await measure('nginx cold decode (the baseline: a real value)', () => parseForwardedCertificate(nginxValue, 'nginx'), ms)];
for (const [name, value] of hostile) refusals.push(await measure(`${name}, format auto`, refuse(value, 'auto'), ms));
const huge = header('nginx/client-rsa.txt').repeat(Math.ceil((10 * 1024 * 1024) / header('nginx/client-rsa.txt').length));
refusals.push(await measure('a 10 MB value, format nginx (refused on length)', refuse(huge, 'nginx'), ms));
printTable('refusing hostile values (ratio > 1: cheaper than a real decode)', refusals);
