import { apache } from './apache.js';
import { awsAlbPassthrough } from './aws-alb-passthrough.js';
import { awsAlb } from './aws-alb.js';
import { azureAppService } from './azure-app-service.js';
import { caddy } from './caddy.js';
import { cloudflare } from './cloudflare.js';
import { cloudfront } from './cloudfront.js';
import { envoy } from './envoy.js';
import { fastly } from './fastly.js';
import { gcp } from './gcp.js';
import { haproxy } from './haproxy.js';
import { iis } from './iis.js';
import { ingressNginx } from './ingress-nginx.js';
import { istio } from './istio.js';
import { nginx } from './nginx.js';
import { traefikIngressNginx } from './traefik-ingress-nginx.js';
import { traefik } from './traefik.js';
import { MAX_NUMBERED_CHAIN_HEADERS } from '../headers.js';
import type { ClientCertificatePreset } from './types.js';

export type { ClientCertificatePreset, PresetVerification, VerificationReader } from './types.js';

/** The preset table: one word per proxy set-up, one file per preset. */
export const PRESETS = Object.freeze({
  nginx,
  apache,
  'ingress-nginx': ingressNginx,
  traefik,
  'traefik-ingress-nginx': traefikIngressNginx,
  haproxy,
  caddy,
  envoy,
  istio,
  'aws-alb': awsAlb,
  'aws-alb-passthrough': awsAlbPassthrough,
  cloudfront,
  cloudflare,
  gcp,
  iis,
  'azure-app-service': azureAppService,
  fastly,
} satisfies Record<string, ClientCertificatePreset>);

/** A preset word accepted by `clientCertificate({ preset })`. */
export type PresetName = keyof typeof PRESETS;

/** Every preset word, in table order. */
export const PRESET_NAMES: readonly PresetName[] = Object.freeze(Object.keys(PRESETS) as PresetName[]);

/**
 * Every header name any preset reads or names as set beside the certificate (lower-case, no
 * duplicates; a numbered chain prefix is listed as its numbers 0..3). A proxy in front of the app
 * must set or strip each one the app or its own code reads; probes send forged copies of each.
 */
export const PRESET_HEADER_NAMES: readonly string[] = Object.freeze([...new Set(Object.values(PRESETS).flatMap(headersOf))]);

/** The header names one preset involves, chain numbers expanded. */
export function headersOf(preset: ClientCertificatePreset): string[] {
  const chain = preset.chainHeader === undefined ? []
    : preset.format === 'apache' || preset.format === 'apache-escaped' ? Array.from({ length: MAX_NUMBERED_CHAIN_HEADERS }, (_, index) => `${preset.chainHeader}${index}`)
      : [preset.chainHeader];
  return [preset.header, ...chain, ...(preset.verification.headers ?? []), ...(preset.related ?? [])];
}
