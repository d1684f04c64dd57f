/**
 * The nginx templates against the real nginx: what the app behind it sees for each client, and
 * that no forged forwarding header ever reaches it. Outcomes measured on nginx 1.22.1 (Debian).
 */
import { describeRealServer } from './real-server.js';

const app = (verify: string, reason?: string) => ({ kind: 'app', verify, ...(reason ? { reason } : {}), chain: [] }) as const;

describeRealServer({
  kind: 'nginx',
  format: 'nginx',
  outcomes: {
    'a valid EC certificate': app('SUCCESS'),
    'a valid RSA certificate': app('SUCCESS'),
    'no certificate': app('NONE'),
    // optional_no_ca tolerates an unknown issuer, not an expired certificate: nginx answers itself.
    'an expired certificate': { kind: 'server-refusal', status: 400, body: /The SSL certificate error/ },
    'a certificate from an unrelated CA': app('FAILED', 'unable to verify the first certificate'),
    'a self-signed certificate': app('FAILED', 'self-signed certificate'),
    // nginx forwards the leaf only ($ssl_client_escaped_cert).
    'a chain with an intermediate': app('SUCCESS'),
  },
  // nginx drops client header names with underscores (underscores_in_headers off).
  refusedSpellings: {},
  // nginx serves the request from the server block of the Host header, which clears everything.
  sniAliasHostPlain: 0,
  sniPlainHostAlias: 421,
});
