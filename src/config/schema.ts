/**
 * The one configuration schema of mtls-pop (convict). Every key has a default, an
 * `MTLS_POP_*` environment variable and a one-line doc; `mtls-pop config print` shows them.
 */
import { PRESET_NAMES } from '../proxy/presets/index.js';

export const MODES = ['tls', 'behind-proxy'] as const;
export type Mode = (typeof MODES)[number];

export const FORMATS = ['nginx', 'apache', 'apache-escaped', 'base64-der', 'base64-pem', 'rfc9440', 'xfcc', 'aws-alb', 'auto'] as const;
export const SIGNING_ALGORITHMS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function nonEmptyStringList(value: unknown): void {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) {
    throw new Error('must be a list of non-empty strings (in an environment variable: comma-separated)');
  }
}

function optionalUrl(value: unknown): void {
  if (value === '') return;
  if (typeof value !== 'string') throw new Error('must be a URL string or empty');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error('must be an absolute URL such as https://as.example.com');
  }
  if (url.protocol !== 'https:') throw new Error('must be an https:// URL (RFC 8414 section 2: the issuer uses the https scheme)');
  if (url.search || url.hash) throw new Error('must have no query or fragment (RFC 8414 section 2)');
}

function revocationStore(value: unknown): void {
  if (value === 'memory') return;
  if (typeof value !== 'string' || !/^rediss?:\/\//.test(value)) {
    throw new Error("must be 'memory' or a redis:// or rediss:// URL");
  }
  try {
    new URL(value);
  } catch {
    throw new Error('is not a parseable redis URL');
  }
}

export const schema = {
  mode: {
    doc: "'tls': Node terminates mTLS itself; 'behind-proxy': plain HTTP behind nginx/Apache/IIS, certificate from a trusted header.",
    format: [...MODES],
    default: 'tls' as Mode,
    env: 'MTLS_POP_MODE',
  },
  stateDir: {
    doc: 'Folder for the development PKI, signing keys and client registry created on first start.',
    format: String,
    default: '.mtls-pop',
    env: 'MTLS_POP_STATE_DIR',
  },
  listen: {
    host: {
      doc: 'Address to listen on. Behind a proxy keep it on loopback or a private address.',
      format: String,
      default: '127.0.0.1',
      env: 'MTLS_POP_HOST',
    },
    port: {
      doc: 'Port: the HTTPS port in tls mode, the plain HTTP port in behind-proxy mode; 0 picks a free one.',
      format: 'port',
      default: 8443,
      env: 'MTLS_POP_PORT',
    },
  },
  tls: {
    certificate: {
      doc: "tls mode: the server certificate (PEM). Empty: the development one in stateDir.",
      format: String,
      default: '',
      env: 'MTLS_POP_TLS_CERTIFICATE',
    },
    key: {
      doc: 'tls mode: the server private key (PEM). Empty: the development one in stateDir.',
      format: String,
      default: '',
      env: 'MTLS_POP_TLS_KEY',
    },
    clientCa: {
      doc: 'tls mode: CA certificates offered to clients in the handshake (PEM). Empty: trust.anchors.',
      format: String,
      default: '',
      env: 'MTLS_POP_TLS_CLIENT_CA',
    },
  },
  proxy: {
    trustedProxies: {
      doc: "behind-proxy mode: addresses allowed to send the certificate header (proxy-addr syntax, e.g. ['loopback']). Default: nobody.",
      format: nonEmptyStringList,
      default: [] as string[],
      env: 'MTLS_POP_TRUSTED_PROXIES',
    },
    allowUnixSocket: {
      doc: 'behind-proxy mode: believe the header on a unix-socket connection.',
      format: Boolean,
      default: false,
      env: 'MTLS_POP_ALLOW_UNIX_SOCKET',
    },
    preset: {
      doc: "One word for the proxy in front (nginx, apache, haproxy, traefik, envoy, aws-alb, ...): sets header, format, chainHeader and verifyHeader, which override it where set to other than their defaults. Empty: none.",
      format: ['', ...PRESET_NAMES],
      default: '' as '' | (typeof PRESET_NAMES)[number],
      env: 'MTLS_POP_PROXY_PRESET',
    },
    header: {
      doc: 'Header that carries the client certificate.',
      format: String,
      default: 'x-ssl-client-cert',
      env: 'MTLS_POP_HEADER',
    },
    chainHeader: {
      doc: "Header (or, for format 'apache', a prefix numbered 0..n) with the client's intermediates. Empty: none.",
      format: String,
      default: '',
      env: 'MTLS_POP_CHAIN_HEADER',
    },
    format: {
      doc: 'How the proxy encodes the certificate.',
      format: [...FORMATS],
      default: 'nginx' as (typeof FORMATS)[number],
      env: 'MTLS_POP_HEADER_FORMAT',
    },
    verifyHeader: {
      doc: 'Header with the proxy verification result (SUCCESS, NONE, FAILED:reason). Empty: none.',
      format: String,
      default: 'x-ssl-client-verify',
      env: 'MTLS_POP_VERIFY_HEADER',
    },
    requireVerified: {
      doc: 'Accept a certificate only when the verify header says SUCCESS.',
      format: Boolean,
      default: false,
      env: 'MTLS_POP_REQUIRE_VERIFIED',
    },
    untrusted: {
      doc: "A certificate header from a peer that is not a trusted proxy: 'reject' (400) or 'ignore' (dropped).",
      format: ['reject', 'ignore'],
      default: 'reject' as 'reject' | 'ignore',
      env: 'MTLS_POP_UNTRUSTED',
    },
    maxHeaderLength: {
      doc: 'Largest certificate header accepted, in bytes.',
      format: 'nat',
      default: 16384,
      env: 'MTLS_POP_MAX_HEADER_LENGTH',
    },
  },
  issuer: {
    url: {
      doc: "Issuer identifier (https URL clients see). Empty in tls mode: https://localhost:<port>. Required behind a proxy.",
      format: optionalUrl,
      default: '',
      env: 'MTLS_POP_ISSUER',
    },
    mtlsUrl: {
      doc: 'RFC 8705 section 5 mTLS endpoint alias origin. Empty: none in tls mode (every endpoint asks for a certificate); https://mtls.<issuer host> behind a proxy, as the templates name it.',
      format: optionalUrl,
      default: '',
      env: 'MTLS_POP_MTLS_URL',
    },
    tokenLifetime: {
      doc: 'Access token lifetime in seconds.',
      format: 'nat',
      default: 600,
      env: 'MTLS_POP_TOKEN_LIFETIME',
    },
    signingAlgorithm: {
      doc: 'JWS algorithm of issued tokens.',
      format: [...SIGNING_ALGORITHMS],
      default: 'ES256' as (typeof SIGNING_ALGORITHMS)[number],
      env: 'MTLS_POP_SIGNING_ALGORITHM',
    },
    keyFile: {
      doc: 'JWK set file with the signing keys (shared by every instance). Empty: stateDir/signing-keys.json, generated once.',
      format: String,
      default: '',
      env: 'MTLS_POP_KEY_FILE',
    },
    keyRetention: {
      doc: "Seconds a rotated-out signing key stays published so that tokens it signed still verify; at least issuer.tokenLifetime. 'serve' and 'keys rotate' must agree on it.",
      format: 'nat',
      default: 86400,
      env: 'MTLS_POP_KEY_RETENTION',
    },
    clientsFile: {
      doc: 'Client registry (JSON, RFC 7591 names). Empty: stateDir/clients.json with the demo client.',
      format: String,
      default: '',
      env: 'MTLS_POP_CLIENTS_FILE',
    },
  },
  trust: {
    anchors: {
      doc: 'PEM file of CA certificates client certificates must chain to (tls_client_auth). Empty: the development CA in stateDir.',
      format: String,
      default: '',
      env: 'MTLS_POP_TRUST_ANCHORS',
    },
    intermediates: {
      doc: 'PEM file of intermediate CA certificates used to build client chains. Empty: none.',
      format: String,
      default: '',
      env: 'MTLS_POP_INTERMEDIATES',
    },
    crlFiles: {
      doc: 'CRL files (PEM or DER, from openssl ca -gencrl) checked for tls_client_auth certificates, re-read when they change. Empty: none.',
      format: (value: unknown) => {
        if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.trim() === '')) throw new Error('must be a list of file names (in an environment variable: comma-separated)');
      },
      default: [] as string[],
      env: 'MTLS_POP_CRL_FILES',
    },
    crlDistributionPoints: {
      doc: "Fetch CRLs from the client certificates' CRL distribution points over HTTP (kept until nextUpdate).",
      format: Boolean,
      default: false,
      env: 'MTLS_POP_CRL_DISTRIBUTION_POINTS',
    },
    ocsp: {
      doc: "Ask OCSP about tls_client_auth certificates: trust.ocspResponder, else the certificate's AIA responder.",
      format: Boolean,
      default: false,
      env: 'MTLS_POP_OCSP',
    },
    ocspResponder: {
      doc: "OCSP responder URL used instead of the certificates' AIA (needs trust.ocsp). Empty: the AIA.",
      format: (value: unknown) => {
        if (value === '') return;
        if (typeof value !== 'string' || !/^https?:\/\//.test(value)) throw new Error('must be an http:// or https:// URL or empty');
      },
      default: '',
      env: 'MTLS_POP_OCSP_RESPONDER',
    },
    revocationMode: {
      doc: "'hard-fail' refuses a certificate whose revocation status no source could establish; 'soft-fail' accepts it and logs the miss. A stale CRL fails closed in both.",
      format: ['hard-fail', 'soft-fail'],
      default: 'hard-fail' as 'hard-fail' | 'soft-fail',
      env: 'MTLS_POP_REVOCATION_MODE',
    },
    revocationScope: {
      doc: "'chain' checks the leaf and every intermediate (each needs a CRL or OCSP answer); 'leaf' the leaf only.",
      format: ['chain', 'leaf'],
      default: 'chain' as 'chain' | 'leaf',
      env: 'MTLS_POP_REVOCATION_SCOPE',
    },
    revocationTimeout: {
      doc: 'Deadline of one OCSP or CRL fetch, in milliseconds.',
      format: 'nat',
      default: 3000,
      env: 'MTLS_POP_REVOCATION_TIMEOUT',
    },
  },
  revocation: {
    store: {
      doc: "'memory' (one instance) or a redis:// URL shared by every instance.",
      format: revocationStore,
      default: 'memory',
      env: 'MTLS_POP_REVOCATION_STORE',
      sensitive: true,
    },
  },
  api: {
    audience: {
      doc: 'Audience the sample API accepts (token `aud`), also the default RFC 8707 `resource` of tokens. Empty: <issuer.url>/api.',
      format: String,
      default: '',
      env: 'MTLS_POP_API_AUDIENCE',
    },
    algorithms: {
      doc: 'JWS algorithms the sample API accepts.',
      format: (value: unknown) => {
        nonEmptyStringList(value);
        for (const item of value as string[]) {
          if (!(SIGNING_ALGORITHMS as readonly string[]).includes(item)) {
            throw new Error(`must only contain ${SIGNING_ALGORITHMS.join(', ')}; got '${item}'`);
          }
        }
      },
      default: [...SIGNING_ALGORITHMS] as string[],
      env: 'MTLS_POP_API_ALGORITHMS',
    },
  },
  cache: {
    certificates: {
      doc: 'Parsed certificates kept, keyed by header value.',
      format: 'nat',
      default: 10000,
      env: 'MTLS_POP_CACHE_CERTIFICATES',
    },
    tokens: {
      doc: 'Verified tokens kept until they expire.',
      format: 'nat',
      default: 10000,
      env: 'MTLS_POP_CACHE_TOKENS',
    },
  },
  metrics: {
    enabled: {
      doc: 'Serve Prometheus metrics at /metrics on a listener of their own (metrics.host:metrics.port), never on the public one.',
      format: Boolean,
      default: false,
      env: 'MTLS_POP_METRICS',
    },
    host: {
      doc: 'Address of the metrics listener. Keep it on loopback or a private address.',
      format: String,
      default: '127.0.0.1',
      env: 'MTLS_POP_METRICS_HOST',
    },
    port: {
      doc: 'Port of the metrics listener; 0 picks a free one (printed at start).',
      format: 'port',
      default: 9464,
      env: 'MTLS_POP_METRICS_PORT',
    },
    token: {
      doc: "If set, /metrics answers only requests with 'Authorization: Bearer <token>'. Empty: no token (rely on metrics.host).",
      format: String,
      default: '',
      env: 'MTLS_POP_METRICS_TOKEN',
      sensitive: true,
    },
  },
  log: {
    level: {
      doc: 'Log level of the JSON logs on stdout.',
      format: [...LOG_LEVELS],
      default: 'info' as (typeof LOG_LEVELS)[number],
      env: 'MTLS_POP_LOG_LEVEL',
    },
  },
};
