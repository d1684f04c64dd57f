import { derToPem } from '../../src/certificate/pem.js';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodes every character except the unreserved ones and `literals`, with upper- or lower-case hex. */
export function percentEncode(text: string, literals: string, lowerCase: boolean): string {
  let out = '';
  for (const char of text) {
    if (UNRESERVED.test(char) || literals.includes(char)) out += char;
    else {
      const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
      out += `%${lowerCase ? hex : hex.toUpperCase()}`;
    }
  }
  return out;
}

/** PEM with the body wrapped at `width` columns (0: one line), as different tools write it. */
export function pemWithWidth(der: Uint8Array, width: number): string {
  if (width === 64) return derToPem(der);
  const base64 = Buffer.from(der).toString('base64');
  const body = width === 0 ? base64 : base64.replace(new RegExp(`.{${width}}`, 'g'), '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

export type EncodedFormat = 'nginx' | 'apache' | 'apache-escaped' | 'base64-der' | 'rfc9440' | 'xfcc' | 'aws-alb';

export interface EncodeKnobs {
  /** PEM line width: 64, 76 or 0 (one line). */
  width: number;
  /** Lower-case hex in percent-escapes where the format's decoder accepts both. */
  lowerCase: boolean;
  /** Spaces around an RFC 9440 item (allowed by RFC 8941 parsing). */
  spaces: boolean;
  /** XFCC elements from other hops written before the proxy's own element. */
  xfccEarlier: readonly string[];
}

/** What a proxy of `format` sends for `leaf` with `chain`: the certificate value and separate chain values. */
export function encodeForwarded(format: EncodedFormat, leaf: Buffer, chain: readonly Buffer[], knobs: EncodeKnobs): { value: string; chain?: string[] } {
  const pem = (der: Buffer) => pemWithWidth(der, knobs.width);
  switch (format) {
    case 'nginx':
      return { value: percentEncode(pem(leaf), '', knobs.lowerCase), ...(chain.length ? { chain: [chain.map((der) => percentEncode(pem(der), '', knobs.lowerCase)).join('')] } : {}) };
    case 'apache':
      return { value: pem(leaf).replace(/\n/g, ' ').trimEnd(), ...(chain.length ? { chain: chain.map((der) => pem(der).replace(/\n/g, ' ').trimEnd()) } : {}) };
    case 'apache-escaped':
      return { value: percentEncode(pem(leaf), '+/=', true), ...(chain.length ? { chain: chain.map((der) => percentEncode(pem(der), '+/=', true)) } : {}) };
    case 'aws-alb':
      return { value: [leaf, ...chain].map((der) => percentEncode(pem(der), '+/=', knobs.lowerCase)).join('') };
    case 'base64-der':
      return { value: [leaf, ...chain].map((der) => der.toString('base64')).join(',') };
    case 'rfc9440': {
      const pad = knobs.spaces ? ' ' : '';
      return { value: `${pad}:${leaf.toString('base64')}:${pad}`, ...(chain.length ? { chain: [chain.map((der) => `:${der.toString('base64')}:`).join(', ')] } : {}) };
    }
    case 'xfcc': {
      const cert = percentEncode(pem(leaf), '+/=', knobs.lowerCase);
      const chainPart = chain.length ? `;Chain="${[leaf, ...chain].map((der) => percentEncode(pem(der), '+/=', knobs.lowerCase)).join('')}"` : '';
      const own = `By=spiffe://example.com/api;Hash=00ff;Cert="${cert}"${chainPart};Subject="CN=x,O=\\"q\\"";URI=spiffe://example.com/c;DNS=c.example.com`;
      return { value: [...knobs.xfccEarlier, own].join(',') };
    }
  }
}
