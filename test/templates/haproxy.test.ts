/**
 * The HAProxy templates against the real HAProxy: what the app behind it sees for each client,
 * and that no forged forwarding header ever reaches it. Outcomes measured on HAProxy 2.6.12 (Debian).
 */
import { describeRealServer } from './real-server.js';

// The verify header carries OpenSSL's verify result as HAProxy's ssl_c_verify gives it; the app
// reads it with the preset 'haproxy' alone.
const app = (verifyHeader: string | null, verify: string, reason?: string) => ({ kind: 'app', verify, verifyHeader, ...(reason ? { reason } : {}), chain: [] }) as const;

describeRealServer({
  kind: 'haproxy',
  format: { preset: 'haproxy' },
  separateMtlsListener: true,
  removesEverySpelling: true,
  outcomes: {
    'a valid EC certificate': app('0', 'SUCCESS'),
    'a valid RSA certificate': app('0', 'SUCCESS'),
    // No certificate: no verify header at all (ssl_c_verify would say 0, "success").
    'no certificate': app(null, 'NONE'),
    // Only unknown-issuer errors are ignored (crt-ignore-err): an expired certificate fails the handshake.
    'an expired certificate': { kind: 'tls-error', message: /certificate expired/ },
    'a certificate from an unrelated CA': app('21', 'FAILED', 'X509_V_ERR 21'),
    'a self-signed certificate': app('18', 'FAILED', 'X509_V_ERR 18'),
    // HAProxy forwards the leaf only.
    'a chain with an intermediate': app('0', 'SUCCESS'),
  },
  // The template deletes every spelling by pattern. Every forged header twice makes a request head
  // of about 24 KB, over HAProxy's 16 KiB buffer (tune.bufsize): HAProxy answers 400 itself (the
  // hostile suite sends small duplicates through HAProxy: test/hostile/forged-headers.test.ts).
  refusedSpellings: { 'as documented, twice': 400 },
  // Each listener serves one host: the other's name gets 421.
  sniAliasHostPlain: 421,
  sniPlainHostAlias: 421,
});
