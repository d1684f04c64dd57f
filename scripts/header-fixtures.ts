/**
 * Writes fixtures/headers/<format>/<case>.txt: the header value each server would send for a
 * known fixture certificate, encoded exactly as that server documents it, plus
 * fixtures/headers/expected.json (format, leaf and chain fixture files, thumbprints from
 * node:crypto's fingerprint256, independent of src/). Real captures live in fixtures/headers/real/.
 *   tsx scripts/header-fixtures.ts
 */
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const out = join(root, 'fixtures', 'headers');
const pem = (name: string) => readFileSync(join(root, 'fixtures', 'pki', name), 'utf8');
const der = (name: string) => Buffer.from(new X509Certificate(pem(name)).raw);
const fingerprint = (name: string) => Buffer.from(new X509Certificate(pem(name)).fingerprint256.replace(/:/g, ''), 'hex').toString('base64url');

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** Percent-encodes every byte outside the unreserved set and `keep`, with the given hex case. */
function escape(text: string, upper: boolean, keep = ''): string {
  let result = '';
  for (const char of text) {
    if (UNRESERVED.test(char) || keep.includes(char)) result += char;
    else {
      const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
      result += `%${upper ? hex.toUpperCase() : hex}`;
    }
  }
  return result;
}

// Each encoder reproduces one server's documented output.
const encoders = {
  // nginx ngx_escape_uri(NGX_ESCAPE_URI_COMPONENT): upper-case, `+ / =` escaped, leaf only.
  nginx: (leaf: string) => escape(pem(leaf), true),
  // mod_headers with %{SSL_CLIENT_CERT}s: newlines become spaces; Node trims the value's ends.
  apache: (leaf: string) => pem(leaf).replace(/\n/g, ' ').trim(),
  // expr=%{escape:...}: lower-case escapes, `+ / =` literal.
  'apache-escaped': (leaf: string) => escape(pem(leaf), false, '+/='),
  // AWS ALB: upper-case escapes, `+ = /` literal; passthrough sends the whole chain, leaf first.
  'aws-alb': (leaf: string, chain: string[]) => escape([leaf, ...chain].map(pem).join(''), true, '+/='),
  // IIS ARR, ANCM, HAProxy, Caddy: base64 DER; Traefik joins the chain with `,`.
  'base64-der': (leaf: string, chain: string[]) => [leaf, ...chain].map((name) => der(name).toString('base64')).join(','),
  // RFC 9440 section 2.2: an sf-binary byte sequence.
  rfc9440: (leaf: string) => `:${der(leaf).toString('base64')}:`,
  // Envoy: Hash, Cert, Chain (whole chain, leaf first), Subject quoted, URI, DNS; escapes \n, space, +, /, =.
  xfcc: (leaf: string, chain: string[]) => {
    const envoyEscape = (text: string) => text.replace(/[\n +/=]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`);
    const certificate = new X509Certificate(pem(leaf));
    const uri = (certificate.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => `;URI=${s.slice(4)}`).join('');
    const dns = (certificate.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => `;DNS=${s.slice(4)}`).join('');
    const subject = certificate.subject.split('\n').reverse().join(',').replace(/"/g, '\\"');
    const chainPart = chain.length ? `;Chain="${envoyEscape([leaf, ...chain].map(pem).join(''))}"` : '';
    return `By=spiffe://example.com/ns/default/sa/api;Hash=${createHash('sha256').update(der(leaf)).digest('hex')};Cert="${envoyEscape(pem(leaf))}"${chainPart};Subject="${subject}"${uri}${dns}`;
  },
} satisfies Record<string, (leaf: string, chain: string[]) => string>;

// Separate chain headers: Apache SSL_CLIENT_CERT_CHAIN_n, RFC 9440 Client-Cert-Chain.
const chainHeaders: Partial<Record<keyof typeof encoders, (chain: string[]) => string[]>> = {
  apache: (chain) => [...chain.map((name) => pem(name).replace(/\n/g, ' ').trim()), '(null)'],
  rfc9440: (chain) => [chain.map((name) => `:${der(name).toString('base64')}:`).join(', ')],
};
const inlineChain = new Set(['aws-alb', 'base64-der', 'xfcc']);

interface Expected { file: string; format: string; leaf: string; chain: string[]; chainHeaders?: string[]; thumbprint: string; chainThumbprints: string[] }
const expected: Expected[] = [];
const leaves = ['client-ec', 'client-ec-p384', 'client-rsa', 'client-ed25519'];
for (const [format, encode] of Object.entries(encoders)) {
  mkdirSync(join(out, format), { recursive: true });
  for (const name of leaves) {
    const cases: { label: string; chain: string[] }[] = [{ label: name, chain: [] }];
    if (inlineChain.has(format) || chainHeaders[format as keyof typeof encoders]) cases.push({ label: `${name}-chain`, chain: ['intermediate-ca.pem'] });
    for (const { label, chain } of cases) {
      const file = `${format}/${label}.txt`;
      const separate = inlineChain.has(format) || chain.length === 0 ? undefined : chainHeaders[format as keyof typeof encoders]!(chain);
      writeFileSync(join(out, file), encode(`${name}.pem`, inlineChain.has(format) ? chain : []));
      expected.push({
        file, format, leaf: `${name}.pem`, chain, ...(separate ? { chainHeaders: separate } : {}),
        thumbprint: fingerprint(`${name}.pem`), chainThumbprints: chain.map(fingerprint),
      });
    }
  }
}
// Two hops: an element a client forged (another certificate) first, the nearest proxy's last.
const forged = encoders.xfcc('client-unrelated.pem', []);
writeFileSync(join(out, 'xfcc', 'two-hops.txt'), `${forged},${encoders.xfcc('client-ec.pem', [])}`);
expected.push({ file: 'xfcc/two-hops.txt', format: 'xfcc', leaf: 'client-ec.pem', chain: [], thumbprint: fingerprint('client-ec.pem'), chainThumbprints: [] });
writeFileSync(join(out, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
console.log(`${expected.length} header fixtures written to ${out}`);
