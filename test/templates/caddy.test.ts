/**
 * The Caddy templates against the real Caddy: what the app behind it sees for each client, and
 * that no forged forwarding header ever reaches it. Outcomes measured on Caddy 2.6.2 (Debian).
 */
import { describeRealServer } from './real-server.js';

// Caddy sends no verify header: every certificate it forwards was verified (client_auth
// verify_if_given); the app reads it with the preset 'caddy' alone, whose verification is UNKNOWN
// with a certificate (no flag to read) and NONE without.
const app = (verify: string) => ({ kind: 'app', verify, verifyHeader: null, chain: [] }) as const;

describeRealServer({
  kind: 'caddy',
  format: { preset: 'caddy' },
  removesEverySpelling: true,
  outcomes: {
    'a valid EC certificate': app('UNKNOWN'),
    'a valid RSA certificate': app('UNKNOWN'),
    // Guarded: no certificate header at all, not the placeholder's text.
    'no certificate': app('NONE'),
    // verify_if_given: a certificate that is sent must verify, or the handshake fails.
    'an expired certificate': { kind: 'tls-error', message: /bad certificate/ },
    'a certificate from an unrelated CA': { kind: 'tls-error', message: /bad certificate/ },
    'a self-signed certificate': { kind: 'tls-error', message: /bad certificate/ },
    // Caddy forwards the leaf only.
    'a chain with an intermediate': app('UNKNOWN'),
  },
  refusedSpellings: {},
  sniAliasHostPlain: 421,
  sniPlainHostAlias: 421,
});
