import type { PresetName } from '../proxy/presets/index.js';
import type { FORMATS, LOG_LEVELS, Mode, SIGNING_ALGORITHMS } from './schema.js';

/** The validated configuration, as `loadConfig` returns it (paths as written, not yet resolved). */
export interface MtlsPopConfig {
  mode: Mode;
  stateDir: string;
  listen: { host: string; port: number };
  tls: { certificate: string; key: string; clientCa: string };
  proxy: {
    trustedProxies: string[];
    allowUnixSocket: boolean;
    preset: '' | PresetName;
    header: string;
    chainHeader: string;
    format: (typeof FORMATS)[number];
    verifyHeader: string;
    requireVerified: boolean;
    untrusted: 'reject' | 'ignore';
    maxHeaderLength: number;
  };
  issuer: {
    url: string;
    mtlsUrl: string;
    tokenLifetime: number;
    signingAlgorithm: (typeof SIGNING_ALGORITHMS)[number];
    keyFile: string;
    keyRetention: number;
    clientsFile: string;
  };
  trust: {
    anchors: string;
    intermediates: string;
    crlFiles: string[];
    crlDistributionPoints: boolean;
    ocsp: boolean;
    ocspResponder: string;
    revocationMode: 'hard-fail' | 'soft-fail';
    revocationScope: 'chain' | 'leaf';
    revocationTimeout: number;
  };
  revocation: { store: string };
  api: { audience: string; algorithms: string[] };
  cache: { certificates: number; tokens: number };
  metrics: { enabled: boolean; host: string; port: number; token: string };
  log: { level: (typeof LOG_LEVELS)[number] };
}
