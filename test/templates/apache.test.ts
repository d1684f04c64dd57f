/**
 * The Apache httpd templates against the real Apache: what the app behind it sees for each client,
 * and that no forged forwarding header ever reaches it. Outcomes measured on Apache 2.4.71 (Debian).
 */
import { describeRealServer } from './real-server.js';
import { INTERMEDIATE_THUMBPRINT, reference } from './harness.js';

const ROOT_THUMBPRINT = reference('root-ca.pem').thumbprint;
const app = (verify: string, chain: readonly string[], reason?: string) => ({ kind: 'app', verify, ...(reason ? { reason } : {}), chain }) as const;

describeRealServer({
  kind: 'apache',
  format: 'apache',
  chainHeader: 'x-ssl-client-cert-chain-',
  outcomes: {
    // A client that sends its leaf alone gets the verified chain from the CA bundle forwarded.
    'a valid EC certificate': app('SUCCESS', [INTERMEDIATE_THUMBPRINT, ROOT_THUMBPRINT]),
    'a valid RSA certificate': app('SUCCESS', [INTERMEDIATE_THUMBPRINT, ROOT_THUMBPRINT]),
    'no certificate': app('NONE', []),
    // optional_no_ca tolerates an unknown issuer, not an expired certificate: the handshake fails.
    'an expired certificate': { kind: 'tls-error', message: /certificate expired/ },
    'a certificate from an unrelated CA': app('FAILED', [], 'unable to verify the first certificate'),
    'a self-signed certificate': app('FAILED', [], 'self-signed certificate'),
    // A client that sends its chain gets the chain it sent forwarded.
    'a chain with an intermediate': app('SUCCESS', [INTERMEDIATE_THUMBPRINT]),
  },
  // Apache passes underscore names through; the template refuses such requests (mod_setenvif + authz).
  refusedSpellings: { 'with underscores': 403, 'with one underscore': 403 },
  // mod_ssl refuses a Host whose virtual host has another TLS set-up than the SNI one.
  sniAliasHostPlain: 421,
  sniPlainHostAlias: 421,
});
