import request from 'supertest';
import { PRESETS, PRESET_HEADER_NAMES, PRESET_NAMES, type PresetName } from '../../src/proxy/presets/index.js';
import { clientCertificate, type ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { readHeader } from '../forwarded/helpers.js';
import { startApp, type TestApp } from './helpers.js';
import { albQuote, base64Leaf, base64OfPem, goQueryEscape, nginxDn, nginxEscape, opensslDerThumbprint, pemBlocks, rfc9440Chain, rfc9440Leaf, traefikIngressNginxCert, traefikPassTlsClientCert, xfccElement } from './presets/samples.js';

type Status = 'SUCCESS' | 'FAILED' | 'NONE' | 'UNKNOWN';

interface PresetCase {
  preset: PresetName;
  /** What the proxy sends for client-rsa-chain.pem (leaf client-rsa.pem, intermediate-ca.pem), and where that sample comes from. */
  sample: Record<string, string>;
  source: string;
  /** Whether the sample carries the intermediate, which must come out as the chain. */
  chain: boolean;
  /** Verification header values (beside the sample) and the status each must map to; none for presets without a flag. */
  verification: [Record<string, string>, Status][];
}

const leaf = opensslDerThumbprint('client-rsa.pem');
const intermediate = opensslDerThumbprint('intermediate-ca.pem');

/**
 * Values not known to mean success: each must come out as not SUCCESS. (Spaces around a value are
 * not among them: HTTP strips them on the wire, RFC 9110 section 5.5.)
 */
const NOT_SUCCESS = ['success', 'SUCCESS:', 'SUCCESS;', 'true', '1', 'ok', '', 'SUCCESS,SUCCESS', 'SUCCESS, NONE'];

const notSuccess = (header: string, extra: Record<string, string> = {}) =>
  NOT_SUCCESS.map((value): [Record<string, string>, Status] => [{ [header]: value, ...extra }, 'UNKNOWN']);
const NO_FLAG: [Record<string, string>, Status][] = [];
const RSA_SUBJECT = 'CN=client-rsa,OU=Payments,O=Example Corp,C=US';

const CASES: PresetCase[] = [
  {
    preset: 'nginx',
    source: 'captured from nginx 1.22.1 (fixtures/headers/real)',
    sample: { 'x-ssl-client-cert': readHeader('real/nginx-escaped-cert.client-rsa-chain.txt') },
    chain: false,
    verification: [
      [{ 'x-ssl-client-verify': readHeader('real/nginx-verify.client-rsa-chain.txt') }, 'SUCCESS'],
      [{ 'x-ssl-client-verify': 'FAILED:self-signed certificate' }, 'FAILED'],
      [{ 'x-ssl-client-verify': 'FAILED:unable to verify the first certificate' }, 'FAILED'],
      ...NOT_SUCCESS.map((value): [Record<string, string>, Status] => [{ 'x-ssl-client-verify': value }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'apache',
    source: 'captured from Apache 2.4.71 (fixtures/headers/real)',
    sample: {
      'x-ssl-client-cert': readHeader('real/apache-cert.client-rsa-chain.txt'),
      'x-ssl-client-cert-chain-0': readHeader('real/apache-chain-0.client-rsa-chain.txt'),
    },
    chain: true,
    verification: [
      [{ 'x-ssl-client-verify': readHeader('real/apache-verify.client-rsa-chain.txt') }, 'SUCCESS'],
      [{ 'x-ssl-client-verify': 'GENEROUS' }, 'FAILED'],
      [{ 'x-ssl-client-verify': 'FAILED:unable to verify the first certificate' }, 'FAILED'],
      ...NOT_SUCCESS.map((value): [Record<string, string>, Status] => [{ 'x-ssl-client-verify': value }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'ingress-nginx',
    source: 'nginx $ssl_client_escaped_cert as captured, $ssl_client_s_dn / $ssl_client_i_dn as openssl RFC2253, under the controller template\'s header names',
    sample: {
      'ssl-client-cert': readHeader('real/nginx-escaped-cert.client-rsa-chain.txt'),
      'ssl-client-subject-dn': nginxDn('client-rsa.pem', 'subject'),
      'ssl-client-issuer-dn': nginxDn('client-rsa.pem', 'issuer'),
    },
    chain: false,
    verification: [
      [{ 'ssl-client-verify': 'SUCCESS' }, 'SUCCESS'],
      [{ 'ssl-client-verify': 'FAILED:certificate has expired' }, 'FAILED'],
      ...NOT_SUCCESS.map((value): [Record<string, string>, Status] => [{ 'ssl-client-verify': value }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'traefik-ingress-nginx',
    source: 'traefik pkg/middlewares/ingressnginx/authtlspasscertificatetoupstream extractCertificatePEM',
    sample: { 'ssl-client-cert': traefikIngressNginxCert('client-rsa-chain.pem') },
    chain: false,
    verification: [
      [{ 'ssl-client-verify': 'SUCCESS' }, 'SUCCESS'],
      // Go's x509 error text after FAILED:, as the middleware writes it under RequestClientCert.
      [{ 'ssl-client-verify': 'FAILED:x509: certificate signed by unknown authority' }, 'FAILED'],
      ...NOT_SUCCESS.map((value): [Record<string, string>, Status] => [{ 'ssl-client-verify': value }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'traefik',
    source: 'traefik pkg/middlewares/passtlsclientcert getCertificates / sanitize',
    sample: { 'x-forwarded-tls-client-cert': traefikPassTlsClientCert('client-rsa-chain.pem') },
    chain: true,
    verification: [],
  },
  {
    preset: 'haproxy',
    source: 'HAProxy %[ssl_c_der,base64] (measured on 2.6 by the proxies tests)',
    sample: { 'x-ssl-client-cert': base64Leaf('client-rsa-chain.pem') },
    chain: false,
    verification: [
      [{ 'x-ssl-client-verify': '0' }, 'SUCCESS'],
      [{ 'x-ssl-client-verify': '18' }, 'FAILED'],
      [{ 'x-ssl-client-verify': '21' }, 'FAILED'],
      [{ 'x-ssl-client-verify': '10' }, 'FAILED'],
      ...['00', '-0', '+0', '0x0', '-1', '0,0', '0;', 'SUCCESS', ...NOT_SUCCESS.filter((value) => value !== '1')]
        .map((value): [Record<string, string>, Status] => [{ 'x-ssl-client-verify': value }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'caddy',
    source: 'Caddy {http.request.tls.client.certificate_der_base64} (base64.StdEncoding of the leaf)',
    sample: { 'x-ssl-client-cert': base64Leaf('client-rsa-chain.pem') },
    chain: false,
    verification: NO_FLAG,
  },
  {
    preset: 'envoy',
    source: 'Envoy conn_manager_utility.cc mutateXfccRequestHeader, cert and chain set; a client-written element before it',
    sample: {
      'x-forwarded-client-cert': [
        xfccElement('client-unrelated.pem', { by: 'spiffe://forged', subject: 'CN=forged' }),
        xfccElement('client-rsa-chain.pem', { by: 'spiffe://example.com/edge', subject: RSA_SUBJECT, cert: true, chain: true }),
      ].join(','),
    },
    chain: true,
    verification: NO_FLAG,
  },
  {
    preset: 'istio',
    source: 'Istio sidecar APPEND_FORWARD with setCurrentClientCertDetails.cert: the gateway\'s element, then the sidecar\'s',
    sample: {
      'x-forwarded-client-cert': [
        xfccElement('client-unrelated.pem', { by: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway', subject: 'CN=external' }),
        xfccElement('client-rsa.pem', { by: 'spiffe://cluster.local/ns/default/sa/api', subject: '', uri: 'spiffe://cluster.local/ns/default/sa/client' }),
      ].join(','),
    },
    chain: false,
    verification: NO_FLAG,
  },
  {
    preset: 'aws-alb',
    source: 'AWS ALB verify mode: URL-encoded PEM with +=/ safe (AWS ALB mutual authentication docs)',
    sample: { 'x-amzn-mtls-clientcert-leaf': albQuote(pemBlocks('client-rsa-chain.pem')[0]!) },
    chain: false,
    verification: NO_FLAG,
  },
  {
    preset: 'aws-alb-passthrough',
    source: 'AWS ALB passthrough mode: the whole chain as sent, URL-encoded PEM with +=/ safe',
    sample: { 'x-amzn-mtls-clientcert': albQuote(pemBlocks('client-rsa-chain.pem').join('')) },
    chain: true,
    verification: NO_FLAG,
  },
  {
    preset: 'cloudfront',
    source: 'CloudFront-Viewer-Cert-Pem as in the CloudFront docs\' example: -----BEGIN%20CERTIFICATE-----%0A...',
    sample: { 'cloudfront-viewer-cert-pem': nginxEscape(pemBlocks('client-rsa-chain.pem')[0]!) },
    chain: false,
    verification: NO_FLAG,
  },
  {
    preset: 'cloudflare',
    source: 'cf.tls_client_auth.cert_rfc9440 / cert_chain_rfc9440 (Cloudflare field reference: ":MII...:", chain ", "-joined)',
    sample: { 'client-cert': rfc9440Leaf('client-rsa-chain.pem'), 'client-cert-chain': rfc9440Chain('client-rsa-chain.pem') },
    chain: true,
    verification: [
      [{ 'cf-cert-verified': 'true', 'cf-cert-revoked': 'false' }, 'SUCCESS'],
      [{ 'cf-cert-verified': 'true', 'cf-cert-revoked': 'true' }, 'FAILED'],
      [{ 'cf-cert-verified': 'false', 'cf-cert-revoked': 'false' }, 'FAILED'],
      [{ 'cf-cert-verified': 'true' }, 'UNKNOWN'],
      [{ 'cf-cert-verified': 'true', 'cf-cert-revoked': 'no' }, 'UNKNOWN'],
      [{ 'cf-cert-revoked': 'false' }, 'UNKNOWN'],
      ...['TRUE', 'yes', 'SUCCESS', '', 'true,true', '2'].map((value): [Record<string, string>, Status] => [{ 'cf-cert-verified': value, 'cf-cert-revoked': 'false' }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'gcp',
    source: 'Google Cloud {client_cert_leaf} / {client_cert_chain}: RFC 9440 byte sequences',
    sample: { 'x-client-cert-leaf': rfc9440Leaf('client-rsa-chain.pem'), 'x-client-cert-chain': rfc9440Chain('client-rsa-chain.pem') },
    chain: true,
    verification: [
      [{ 'x-client-cert-chain-verified': 'true' }, 'SUCCESS'],
      [{ 'x-client-cert-chain-verified': 'false', 'x-client-cert-error': 'client_cert_chain_exceeded_limit' }, 'FAILED'],
      [{ 'x-client-cert-chain-verified': 'false' }, 'FAILED'],
      ...['True', '1', 'SUCCESS', '', 'true,true'].map((value): [Record<string, string>, Status] => [{ 'x-client-cert-chain-verified': value }, 'UNKNOWN']),
    ],
  },
  {
    preset: 'azure-app-service',
    source: 'Azure App Service X-ARR-ClientCert: base64 DER of the leaf',
    sample: { 'x-arr-clientcert': base64Leaf('client-rsa-chain.pem') },
    chain: false,
    verification: NO_FLAG,
  },
  {
    preset: 'iis',
    source: 'IIS ARR X-ARR-ClientCert: base64 DER of the leaf (iis/web.config)',
    sample: { 'x-arr-clientcert': base64Leaf('client-rsa-chain.pem') },
    chain: false,
    verification: NO_FLAG,
  },
  {
    preset: 'fastly',
    source: 'Fastly tls.client.certificate.raw_certificate_b64: base64 of the PEM text',
    sample: { 'x-fastly-client-cert': base64OfPem('client-rsa-chain.pem') },
    chain: false,
    verification: [
      [{ 'x-fastly-client-cert-verified': '1' }, 'SUCCESS'],
      [{ 'x-fastly-client-cert-verified': '0' }, 'FAILED'],
      ...notSuccess('x-fastly-client-cert-verified').filter(([values]) => values['x-fastly-client-cert-verified'] !== '1'),
    ],
  },
];

let apps: TestApp[] = [];
async function app(options: ClientCertificateOptions): Promise<TestApp> {
  const started = await startApp(options);
  apps.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});
const get = (a: TestApp, headers: Record<string, string>) => request(`http://127.0.0.1:${a.port}`).get('/').set(headers);

describe('clientCertificate({ preset })', () => {
  it('has a test case for every preset', () => {
    expect(CASES.map((c) => c.preset).sort()).toEqual([...PRESET_NAMES].sort());
  });

  describe.each(CASES)('preset $preset', ({ preset, sample, chain, verification }) => {
    it('decodes its sample to openssl\'s thumbprint, with the chain where the proxy sends one', async () => {
      const a = await app({ preset, trustedProxies: 'loopback' });
      const response = await get(a, sample).expect(200);
      expect(response.body.thumbprint).toBe(leaf);
      expect(a.seen[0]!.certificate!.chain.map((link) => link.thumbprint)).toEqual(chain ? [intermediate] : []);
    });

    if (verification.length > 0) {
      it.each(verification)('maps %j to %s (fail closed)', async (values, status) => {
        const a = await app({ preset, trustedProxies: 'loopback' });
        const response = await get(a, { ...sample, ...values }).expect(200);
        expect(response.body.verification.status).toBe(status);
      });

      it('accepts with requireVerified only what maps to SUCCESS', async () => {
        const a = await app({ preset, trustedProxies: 'loopback', requireVerified: true, required: true });
        for (const [values, status] of verification) {
          const response = await get(a, { ...sample, ...values });
          expect([response.status, response.body.thumbprint ?? null]).toEqual(status === 'SUCCESS' ? [200, leaf] : [401, null]);
        }
      });
    } else {
      it('reports UNKNOWN and refuses requireVerified at construction, saying where to verify', async () => {
        const a = await app({ preset, trustedProxies: 'loopback' });
        expect((await get(a, sample).expect(200)).body.verification).toEqual({ status: 'UNKNOWN' });
        const { verification: how } = PRESETS[preset];
        expect(() => clientCertificate({ preset, trustedProxies: 'loopback', requireVerified: true })).toThrow(`requireVerified cannot be checked with preset '${preset}': ${'unverifiable' in how ? how.unverifiable : ''}`);
      });
    }

    it('believes none of its headers from an untrusted peer', async () => {
      const a = await app({ preset, trustedProxies: '127.0.0.2' });
      expect((await get(a, sample)).status).toBe(400);
    });
  });

  describe('HAProxy\'s ssl_c_verify without a certificate', () => {
    it('reads 0 (HAProxy\'s "no error") as NONE, not as a verified certificate', async () => {
      const a = await app({ preset: 'haproxy', trustedProxies: 'loopback' });
      const response = await get(a, { 'x-ssl-client-verify': '0' }).expect(200);
      expect(response.body).toMatchObject({ thumbprint: null, verification: { status: 'NONE' } });
    });
  });

  describe('the element the trusted hop appended (envoy, istio)', () => {
    it('refuses a last element without Cert, even when an earlier one has one', async () => {
      const a = await app({ preset: 'istio', trustedProxies: 'loopback' });
      const value = [
        xfccElement('client-rsa.pem', { by: 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway', subject: RSA_SUBJECT }),
        xfccElement('client-unrelated.pem', { by: 'spiffe://cluster.local/ns/default/sa/api', subject: '', cert: false }),
      ].join(',');
      const response = await get(a, { 'x-forwarded-client-cert': value });
      expect([response.status, response.body.error_description]).toEqual([400, 'the client certificate was refused (ERR_CERT_HEADER_FORMAT)']);
    });
  });

  describe('ingress-nginx: a certificate header that is not the session\'s', () => {
    // A verifying Ingress without auth-tls-pass-certificate-to-upstream sets ssl-client-verify and the
    // DNs from the session but leaves a client's own ssl-client-cert in place (nginx.tmpl).
    const session = { 'ssl-client-subject-dn': nginxDn('client-rsa.pem', 'subject'), 'ssl-client-issuer-dn': nginxDn('client-rsa.pem', 'issuer') };
    const forged = { 'ssl-client-cert': encodeURIComponent(pemBlocks('client-unrelated.pem')[0]!) };
    it.each(['SUCCESS', 'FAILED:self-signed certificate'])('is refused with 400 ERR_CERT_VERIFY_MISMATCH next to %s', async (verify) => {
      const a = await app({ preset: 'ingress-nginx', trustedProxies: 'loopback' });
      const response = await get(a, { ...forged, ...session, 'ssl-client-verify': verify });
      expect([response.status, response.body.error_description]).toEqual([400, 'the client certificate was refused (ERR_CERT_VERIFY_MISMATCH)']);
    });

    it('is refused after the same certificate was accepted with the right names (the match is remembered per names, not per certificate)', async () => {
      const a = await app({ preset: 'ingress-nginx', trustedProxies: 'loopback' });
      const cert = { 'ssl-client-cert': readHeader('real/nginx-escaped-cert.client-rsa.txt'), 'ssl-client-verify': 'SUCCESS' };
      expect((await get(a, { ...cert, ...session }).expect(200)).body.thumbprint).toBe(leaf);
      const other = { 'ssl-client-subject-dn': nginxDn('client-unrelated.pem', 'subject'), 'ssl-client-issuer-dn': session['ssl-client-issuer-dn'] };
      expect((await get(a, { ...cert, ...other })).status).toBe(400);
      expect((await get(a, { ...cert, ...session }).expect(200)).body.thumbprint).toBe(leaf);
    });

    it('is UNKNOWN, not SUCCESS, when the DN headers are missing', async () => {
      const a = await app({ preset: 'ingress-nginx', trustedProxies: 'loopback' });
      const response = await get(a, { 'ssl-client-cert': readHeader('real/nginx-escaped-cert.client-rsa.txt'), 'ssl-client-verify': 'SUCCESS' }).expect(200);
      expect(response.body.verification.status).toBe('UNKNOWN');
    });

    it('matches names written in another valid RFC 4514 spelling (attribute type case)', async () => {
      const a = await app({ preset: 'ingress-nginx', trustedProxies: 'loopback' });
      const lower = { 'ssl-client-subject-dn': session['ssl-client-subject-dn'].replace(/(^|,)(CN|OU|O|C)=/g, (_m, sep: string, type: string) => `${sep}${type.toLowerCase()}=`), 'ssl-client-issuer-dn': session['ssl-client-issuer-dn'] };
      const response = await get(a, { 'ssl-client-cert': readHeader('real/nginx-escaped-cert.client-rsa.txt'), ...lower, 'ssl-client-verify': 'SUCCESS' }).expect(200);
      expect(response.body).toMatchObject({ thumbprint: leaf, verification: { status: 'SUCCESS' } });
    });
  });

  describe('Traefik 2.9.1 and older (passTLSClientCert URL-escaped its value until 2c550c284d)', () => {
    it('is refused as ERR_CERT_HEADER_ENCODING rather than guessed at', async () => {
      const a = await app({ preset: 'traefik', trustedProxies: 'loopback' });
      const escaped = goQueryEscape(traefikPassTlsClientCert('client-rsa.pem'));
      expect(escaped).toMatch(/%2B|%2F|%3D/);
      const response = await get(a, { 'x-forwarded-tls-client-cert': escaped });
      expect([response.status, response.body.error_description]).toEqual([400, 'the client certificate was refused (ERR_CERT_HEADER_ENCODING)']);
    });
  });

  describe('CloudFront-Viewer-Cert-Pem', () => {
    it('decodes with + / = escaped or literal (the docs show only %20 and %0A)', async () => {
      const a = await app({ preset: 'cloudfront', trustedProxies: 'loopback' });
      const response = await get(a, { 'cloudfront-viewer-cert-pem': albQuote(pemBlocks('client-rsa.pem')[0]!) }).expect(200);
      expect(response.body.thumbprint).toBe(leaf);
    });
  });

  describe('a flag that says verified next to no certificate (Cloudflare, GCP, Fastly)', () => {
    it.each([
      ['cloudflare', { 'cf-cert-verified': 'true', 'cf-cert-revoked': 'false' }],
      ['gcp', { 'x-client-cert-chain-verified': 'true' }],
      ['fastly', { 'x-fastly-client-cert-verified': '1' }],
    ] as const)('%s: no certificate is accepted and the verification is UNKNOWN, not SUCCESS', async (preset, values) => {
      const a = await app({ preset, trustedProxies: 'loopback' });
      const response = await get(a, values).expect(200);
      expect(response.body.thumbprint).toBeNull();
      expect(response.body.verification.status).toBe('UNKNOWN');
    });

    it.each([
      ['cloudflare', { 'cf-cert-verified': 'false', 'cf-cert-revoked': 'false' }],
      ['gcp', { 'x-client-cert-chain-verified': 'false' }],
      ['fastly', { 'x-fastly-client-cert-verified': '0' }],
    ] as const)('%s: "not verified" without a certificate is NONE', async (preset, values) => {
      const a = await app({ preset, trustedProxies: 'loopback' });
      expect((await get(a, values).expect(200)).body.verification).toEqual({ status: 'NONE' });
    });
  });

  describe('options beside a preset', () => {
    it('override its header and format and keep its verify values\' meaning', async () => {
      const a = await app({ preset: 'haproxy', header: 'x-client-der', verifyHeader: 'x-client-verify-code', trustedProxies: 'loopback' });
      const response = await get(a, { 'x-client-der': base64Leaf('client-rsa.pem'), 'x-client-verify-code': '0' }).expect(200);
      expect(response.body).toMatchObject({ thumbprint: leaf, verification: { status: 'SUCCESS' } });
      // The preset's own names are no longer read, so a copy of them is not believed either.
      expect((await get(a, { 'x-ssl-client-cert': base64Leaf('client-rsa.pem') }).expect(200)).body.thumbprint).toBeNull();
    });

    it('override its format', async () => {
      const a = await app({ preset: 'nginx', format: 'base64-der', trustedProxies: 'loopback' });
      expect((await get(a, { 'x-ssl-client-cert': base64Leaf('client-rsa.pem') }).expect(200)).body.thumbprint).toBe(leaf);
    });

    it('give a preset without a flag a verify header with nginx\'s values', async () => {
      const a = await app({ preset: 'caddy', verifyHeader: 'x-verified', requireVerified: true, trustedProxies: 'loopback' });
      const response = await get(a, { 'x-ssl-client-cert': base64Leaf('client-rsa.pem'), 'x-verified': 'SUCCESS' }).expect(200);
      expect(response.body.thumbprint).toBe(leaf);
    });
  });

  describe('misuse', () => {
    it.each([
      ['ngnix', /unknown preset "ngnix". Did you mean 'nginx'\?/],
      ['traefik-ingress-ngnix', /Did you mean 'traefik-ingress-nginx'\?/],
      ['HAProxy', /Did you mean 'haproxy'\?/],
      ['websphere', /unknown preset "websphere"; known presets: nginx, apache/],
      [42, /unknown preset 42/],
      ['toString', /unknown preset "toString"/],
    ])('an unknown preset %j is a TypeError with a hint', (preset, message) => {
      expect(() => clientCertificate({ preset: preset as PresetName, trustedProxies: 'loopback' })).toThrow(TypeError);
      expect(() => clientCertificate({ preset: preset as PresetName, trustedProxies: 'loopback' })).toThrow(message);
    });

    it('a preset with source tls is a TypeError', () => {
      expect(() => clientCertificate({ preset: 'nginx', source: 'tls' })).toThrow(/"preset" only applies to source 'header'/);
    });

    it('a preset trusts nobody by itself', async () => {
      const a = await app({ preset: 'nginx' });
      expect((await get(a, CASES[0]!.sample)).status).toBe(400);
    });
  });
});

describe('PRESET_HEADER_NAMES', () => {
  it('lists every header each preset reads, lower-case, once', () => {
    expect(new Set(PRESET_HEADER_NAMES).size).toBe(PRESET_HEADER_NAMES.length);
    for (const name of PRESET_HEADER_NAMES) expect(name).toBe(name.toLowerCase());
    for (const c of CASES) {
      for (const header of [...Object.keys(c.sample), ...c.verification.flatMap(([values]) => Object.keys(values))]) {
        expect(PRESET_HEADER_NAMES).toContain(header);
      }
    }
    expect(PRESET_HEADER_NAMES).toEqual(expect.arrayContaining(['x-ssl-client-cert-chain-3', 'ssl-client-subject-dn', 'x-forwarded-tls-client-cert-info']));
    expect(Object.isFrozen(PRESET_HEADER_NAMES)).toBe(true);
    expect(Object.isFrozen(PRESETS)).toBe(true);
  });
});
