import request from 'supertest';
import { clientCertificate, type ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { apacheValue, nginxValue, rawRequest, startApp, type TestApp } from './helpers.js';

const CERT = 'x-ssl-client-cert';
const VERIFY = 'x-ssl-client-verify';
const clientEc = nginxValue('client-ec.pem');
const clientEcThumbprint = opensslThumbprint(pkiPath('client-ec.pem'));

let apps: TestApp[] = [];
async function app(...args: Parameters<typeof startApp>): Promise<TestApp> {
  const started = await startApp(...args);
  apps.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});
const url = (a: TestApp, host = '127.0.0.1') => `http://${host.includes(':') ? `[${host}]` : host}:${a.port}`;

describe('clientCertificate(options)', () => {
  describe('when the peer is a trusted proxy', () => {
    it('accepts the nginx header; the thumbprint equals openssl\'s', async () => {
      const a = await app({ trustedProxies: '127.0.0.1' });
      const response = await request(url(a)).get('/').set(CERT, clientEc).expect(200);
      expect(response.body.thumbprint).toBe(clientEcThumbprint);
      expect(a.seen[0]!.certificate!.subject).toBe('CN=client-ec,OU=Payments,O=Example Corp,C=US');
      expect(a.seen[0]!.verification).toEqual({ status: 'UNKNOWN' });
      expect(a.logger.lines).toEqual([]);
    });

    it('accepts Apache\'s format with numbered chain headers, stopping at the first missing one', async () => {
      const a = await app({ trustedProxies: 'loopback', format: 'apache', chainHeader: 'x-ssl-client-cert-chain-' });
      await request(url(a)).get('/').set(CERT, apacheValue('client-ec.pem'))
        .set('x-ssl-client-cert-chain-0', apacheValue('intermediate-ca.pem'))
        .set('x-ssl-client-cert-chain-1', '(null)')
        .set('x-ssl-client-cert-chain-3', apacheValue('root-ca.pem'))
        .expect(200);
      const certificate = a.seen[0]!.certificate!;
      expect(certificate.thumbprint).toBe(clientEcThumbprint);
      expect(certificate.chain.map((link) => link.thumbprint)).toEqual([opensslThumbprint(pkiPath('intermediate-ca.pem'))]);
    });

    it('gives each request the chain it sent, also when the leaf is in the decode cache', async () => {
      const a = await app({ trustedProxies: 'loopback', format: 'apache', chainHeader: 'x-ssl-client-cert-chain-' });
      const leaf = apacheValue('client-ec.pem');
      await request(url(a)).get('/').set(CERT, leaf).set('x-ssl-client-cert-chain-0', apacheValue('intermediate-ca.pem')).expect(200);
      await request(url(a)).get('/').set(CERT, leaf).expect(200);
      await request(url(a)).get('/').set(CERT, leaf).set('x-ssl-client-cert-chain-0', apacheValue('root-ca.pem')).expect(200);
      expect(a.seen.map((seen) => seen.certificate!.chain.map((link) => link.thumbprint))).toEqual([
        [opensslThumbprint(pkiPath('intermediate-ca.pem'))], [], [opensslThumbprint(pkiPath('root-ca.pem'))],
      ]);
      expect(a.seen.every((seen) => seen.certificate!.thumbprint === clientEcThumbprint)).toBe(true);
    });

    it.each([
      ['empty value', 'nginx', ''],
      ['Apache (null)', 'apache', '(null)'],
    ] as const)('treats %s as "no certificate"', async (_name, format, value) => {
      const a = await app({ trustedProxies: 'loopback', format });
      await request(url(a)).get('/').set(CERT, value).expect(200);
      expect(a.seen[0]!.certificate).toBeUndefined();
      expect(a.seen[0]!.verification).toEqual({ status: 'NONE' });
    });

    it('matches an IPv4-mapped IPv6 peer against an IPv4 entry and against a ::ffff: entry', async () => {
      for (const trustedProxies of ['127.0.0.1', '::ffff:127.0.0.1/128', 'loopback']) {
        const a = await app({ trustedProxies }, '::');
        const response = await request(url(a)).get('/').set(CERT, clientEc).expect(200);
        expect(response.body.thumbprint).toBe(clientEcThumbprint);
      }
    });

    it('matches ::1 with the loopback keyword', async () => {
      const a = await app({ trustedProxies: ['loopback'] }, '::1');
      const response = await request(url(a, '::1')).get('/').set(CERT, clientEc).expect(200);
      expect(response.body.thumbprint).toBe(clientEcThumbprint);
    });

    it('does not decode a value it has seen (the same certificate object comes back)', async () => {
      const a = await app({ trustedProxies: 'loopback' });
      const b = await app({ trustedProxies: 'loopback', cacheSize: 0 });
      for (const server of [a, b]) {
        await request(url(server)).get('/').set(CERT, clientEc).expect(200);
        await request(url(server)).get('/').set(CERT, clientEc).expect(200);
      }
      expect(a.seen[1]!.certificate).toBe(a.seen[0]!.certificate);
      expect(b.seen[1]!.certificate).not.toBe(b.seen[0]!.certificate);
      expect(b.seen[1]!.certificate!.thumbprint).toBe(b.seen[0]!.certificate!.thumbprint);
    });
  });

  describe('when a trusted proxy sends a malformed value', () => {
    const cases: [string, string, string][] = ([
      ['not PEM', 'hello', 'ERR_CERT_HEADER_FORMAT'],
      ['bad percent-encoding', `${clientEc.slice(0, 40)}%G1`, 'ERR_CERT_HEADER_ENCODING'],
      ['a truncated certificate', encodeURIComponent('-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHBfpegPjMCMA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVu\n-----END CERTIFICATE-----\n'), 'ERR_CERT_INVALID'],
      ['two certificates', encodeURIComponent(`${decodeURIComponent(clientEc)}${decodeURIComponent(clientEc)}`), 'ERR_CERT_HEADER_MULTIPLE'],
      ['a value over maxHeaderLength', 'A'.repeat(5000), 'ERR_CERT_HEADER_TOO_LARGE'],
    ] as const).map(([name, value, code]) => [name, code, value]);
    it.each(cases)('%s => 400 invalid_request naming %s, one log line, twice in a row', async (_name, code, value) => {
      const a = await app({ trustedProxies: 'loopback', maxHeaderLength: 4096 });
      for (let i = 0; i < 2; i++) {
        const response = await request(url(a)).get('/').set(CERT, value).expect(400);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining(code) });
        expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts/);
      }
      expect(a.logger.lines).toHaveLength(2);
      expect(a.logger.lines[0]!.fields).toMatchObject({ peer: '127.0.0.1', header: CERT, code });
      expect(a.seen).toHaveLength(0);
    });
  });

  describe('when the peer is not a trusted proxy', () => {
    it('refuses a certificate header with 400 and logs the peer and the header (default: nobody is trusted)', async () => {
      const a = await app({});
      const response = await request(url(a)).get('/').set(CERT, clientEc).expect(400);
      expect(response.body.error).toBe('invalid_request');
      expect(a.logger.lines).toHaveLength(1);
      expect(a.logger.lines[0]).toMatchObject({ level: 'warn', fields: { peer: '127.0.0.1', headers: [expect.stringMatching(/^x-ssl-client-cert$/i)] } });
      expect(a.seen).toHaveLength(0);
    });

    it('refuses a lone forged verify header too', async () => {
      const a = await app({ trustedProxies: '127.0.0.2', verifyHeader: VERIFY });
      await request(url(a)).get('/').set(VERIFY, 'SUCCESS').expect(400);
    });

    it('refuses when the client connects from 127.0.0.2 and only 127.0.0.1 is trusted', async () => {
      const a = await app({ trustedProxies: '127.0.0.1' }, '0.0.0.0');
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', `${CERT}: ${clientEc}`], { localAddress: '127.0.0.2' });
      expect(response.status).toBe(400);
      expect(a.logger.lines[0]!.fields.peer).toBe('127.0.0.2');
    });

    it('with untrusted: "ignore", removes the headers and continues without a certificate', async () => {
      const a = await app({ trustedProxies: '127.0.0.2', untrusted: 'ignore', verifyHeader: VERIFY });
      await request(url(a)).get('/').set(CERT, clientEc).set(VERIFY, 'SUCCESS').set('x-other', 'kept').expect(200);
      const seen = a.seen[0]!;
      expect(seen.certificate).toBeUndefined();
      expect(seen.verification).toBeUndefined();
      expect(seen.headers[CERT]).toBeUndefined();
      expect(seen.headers[VERIFY]).toBeUndefined();
      expect(seen.headers['x-other']).toBe('kept');
      expect(seen.rawHeaders.map((h) => h.toLowerCase())).not.toContain(CERT);
      expect(a.logger.lines).toHaveLength(1);
    });

    it('lets a request without the headers through, without a certificate and without a log line', async () => {
      const a = await app({ trustedProxies: '127.0.0.2' });
      await request(url(a)).get('/').expect(200);
      expect(a.seen[0]!.certificate).toBeUndefined();
      expect(a.logger.lines).toEqual([]);
    });

    // Express computes req.ip from X-Forwarded-For under "trust proxy"; the middleware reads the TCP peer.
    it('never believes X-Forwarded-For, even with Express "trust proxy" on', async () => {
      const a = await app({ trustedProxies: '10.0.0.1' }, '127.0.0.1', { 'trust proxy': true });
      const response = await request(url(a)).get('/').set('X-Forwarded-For', '10.0.0.1').set('Forwarded', 'for=10.0.0.1').set(CERT, clientEc);
      expect(response.status).toBe(400);
      expect(a.seen).toHaveLength(0);
      expect(a.logger.lines[0]!.fields.peer).toBe('127.0.0.1');
      // The control: Express itself did believe the header.
      const control = await app({ trustedProxies: '10.0.0.1' }, '127.0.0.1', { 'trust proxy': true });
      expect((await request(url(control)).get('/').set('X-Forwarded-For', '10.0.0.1').expect(200)).body.ip).toBe('10.0.0.1');
    });

    it('trusts a trusted TCP peer whatever X-Forwarded-For says, with "trust proxy" on', async () => {
      const a = await app({ trustedProxies: '127.0.0.1' }, '127.0.0.1', { 'trust proxy': true });
      const response = await request(url(a)).get('/').set('X-Forwarded-For', '203.0.113.7').set(CERT, clientEc).expect(200);
      expect(response.body).toMatchObject({ thumbprint: clientEcThumbprint, ip: '203.0.113.7' });
    });
  });

  describe('duplicate headers', () => {
    const twoLines: [string, string[]][] = [
      ['the same line twice', [`${CERT}: ${clientEc}`, `${CERT}: ${clientEc}`]],
      ['two spellings of the name', [`X-SSL-Client-Cert: ${clientEc}`, `x-ssl-client-cert: ${clientEc}`]],
      ['an empty copy and a real one', [`${CERT}: `, `${CERT}: ${clientEc}`]],
      ['a repeated verify header', [`${CERT}: ${clientEc}`, `${VERIFY}: SUCCESS`, `${VERIFY}: SUCCESS`]],
    ];
    it.each(twoLines)('%s from a trusted proxy => 400 ERR_CERT_HEADER_DUPLICATE', async (_name, lines) => {
      const a = await app({ trustedProxies: 'loopback', verifyHeader: VERIFY });
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', ...lines]);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('ERR_CERT_HEADER_DUPLICATE') });
      expect(a.seen).toHaveLength(0);
    });
  });

  describe('RFC 9440 Client-Cert-Chain on several field lines (section 2.3: it is a list)', () => {
    const der = (name: string) => Buffer.from(readPki(name).replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    const options = { trustedProxies: 'loopback', format: 'rfc9440', header: 'client-cert', chainHeader: 'client-cert-chain' } as const;
    it('combines the lines, in order, into one chain', async () => {
      const a = await app(options);
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', `Client-Cert: :${der('client-ec.pem')}:`,
        `Client-Cert-Chain: :${der('intermediate-ca.pem')}:`, `Client-Cert-Chain: :${der('root-ca.pem')}:`]);
      expect(response.status).toBe(200);
      expect(a.seen[0]!.certificate!.thumbprint).toBe(clientEcThumbprint);
      expect(a.seen[0]!.certificate!.chain.map((link) => link.thumbprint)).toEqual([opensslThumbprint(pkiPath('intermediate-ca.pem')), opensslThumbprint(pkiPath('root-ca.pem'))]);
    });
    it('reads one line holding the list the same way', async () => {
      const a = await app(options);
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', `Client-Cert: :${der('client-ec.pem')}:`,
        `Client-Cert-Chain: :${der('intermediate-ca.pem')}:, :${der('root-ca.pem')}:`]);
      expect(response.status).toBe(200);
      expect(a.seen[0]!.certificate!.chain).toHaveLength(2);
    });
    it('still refuses a second Client-Cert line (ERR_CERT_HEADER_DUPLICATE)', async () => {
      const a = await app(options);
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', `Client-Cert: :${der('client-ec.pem')}:`, `Client-Cert: :${der('client-ec.pem')}:`]);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).error_description).toContain('ERR_CERT_HEADER_DUPLICATE');
      expect(a.seen).toHaveLength(0);
    });
    it('still refuses a repeated chain header of a format whose chain value is not a list (nginx)', async () => {
      const a = await app({ trustedProxies: 'loopback', format: 'nginx', chainHeader: 'x-ssl-client-chain' });
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', `${CERT}: ${clientEc}`,
        `X-SSL-Client-Chain: ${nginxValue('intermediate-ca.pem')}`, `X-SSL-Client-Chain: ${nginxValue('root-ca.pem')}`]);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).error_description).toContain('ERR_CERT_HEADER_DUPLICATE');
    });
  });

  describe('spellings the proxy does not clear (Apache passes `_` names through)', () => {
    const lines: [string, string[], Partial<ClientCertificateOptions>][] = [
      ['an underscore spelling alone', [`X_SSL_Client_Cert: ${clientEc}`], {}],
      ['an underscore spelling next to the dash one', [`X-SSL-Client-Cert: ${clientEc}`, `X_SSL_Client_Cert: ${clientEc}`], {}],
      ['a mixed spelling alone', [`X-SSL_Client-Cert: ${clientEc}`], {}],
      ['an underscore verify header', [`X-SSL-Client-Cert: ${clientEc}`, `X_SSL_Client_Verify: SUCCESS`], {}],
      ['a chain header numbered past the four the templates set', [`X-SSL-Client-Cert-Chain-4: ${clientEc}`],
        { format: 'apache', chainHeader: 'x-ssl-client-cert-chain-' }],
      ...['00', '1000', '', 'x'].map((suffix): [string, string[], Partial<ClientCertificateOptions>] => [
        `a chain header with the suffix "${suffix}"`, [`X-SSL-Client-Cert-Chain-${suffix}: ${clientEc}`], { format: 'apache', chainHeader: 'x-ssl-client-cert-chain-' }]),
    ];
    it.each(lines)('%s from a trusted proxy => 400 ERR_CERT_HEADER_NAME, never read as the certificate', async (_name, headerLines, extra) => {
      const a = await app({ trustedProxies: 'loopback', verifyHeader: VERIFY, ...extra });
      const response = await rawRequest(a.port, ['GET / HTTP/1.1', 'Host: x', ...headerLines]);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('ERR_CERT_HEADER_NAME') });
      expect(a.seen).toHaveLength(0);
    });
  });

  describe('verifyHeader', () => {
    const table: [string, boolean, boolean, number, string | undefined][] = [
      // verify value, certificate header set?, requireVerified, status, verification status seen
      ['SUCCESS', true, true, 200, 'SUCCESS'],
      ['FAILED:self-signed certificate', true, false, 200, 'FAILED'],
      ['FAILED:unable to verify the first certificate', true, true, 200, 'FAILED'],
      ['GENEROUS', true, true, 200, 'FAILED'],
      ['success', true, true, 200, 'UNKNOWN'],
      ['NONE', false, true, 200, 'NONE'],
      ['NONE', true, false, 400, undefined],
      ['SUCCESS', false, false, 400, undefined],
    ];
    it.each(table)('%s, certificate header: %s, requireVerified: %s => %i', async (verify, hasCertificate, requireVerified, status, seenStatus) => {
      const certificate = hasCertificate ? clientEc : undefined;
      const a = await app({ trustedProxies: 'loopback', verifyHeader: VERIFY, requireVerified });
      let call = request(url(a)).get('/').set(VERIFY, verify);
      if (certificate) call = call.set(CERT, certificate);
      const response = await call.expect(status);
      if (status === 400) {
        expect(response.body.error_description).toContain('ERR_CERT_VERIFY_MISMATCH');
        return;
      }
      expect(a.seen[0]!.verification!.status).toBe(seenStatus);
      const accepted = certificate !== undefined && (!requireVerified || seenStatus === 'SUCCESS');
      expect(a.seen[0]!.certificate?.thumbprint).toBe(accepted ? clientEcThumbprint : undefined);
    });

    it('reports the FAILED reason', async () => {
      const a = await app({ trustedProxies: 'loopback', verifyHeader: VERIFY });
      await request(url(a)).get('/').set(CERT, clientEc).set(VERIFY, 'FAILED:self-signed certificate').expect(200);
      expect(a.seen[0]!.verification).toEqual({ status: 'FAILED', reason: 'self-signed certificate' });
    });

    it('a missing verify header is UNKNOWN, which requireVerified refuses', async () => {
      const a = await app({ trustedProxies: 'loopback', verifyHeader: VERIFY, requireVerified: true });
      await request(url(a)).get('/').set(CERT, clientEc).expect(200);
      expect(a.seen[0]!.certificate).toBeUndefined();
      expect(a.seen[0]!.verification!.status).toBe('UNKNOWN');
      expect(a.logger.lines).toHaveLength(1);
    });
  });

  describe('required: true', () => {
    it.each([
      ['no header from a trusted proxy', { trustedProxies: 'loopback' }, {}, 'a client certificate is required'],
      ['no header from an untrusted peer', {}, {}, 'a client certificate is required'],
      ['an ignored header from an untrusted peer', { untrusted: 'ignore' as const }, { [CERT]: clientEc }, 'a client certificate is required'],
      ['an unverified certificate with requireVerified', { trustedProxies: 'loopback', verifyHeader: VERIFY, requireVerified: true }, { [CERT]: clientEc, [VERIFY]: 'FAILED:x' }, 'the client certificate was not verified'],
    ])('%s => 401 invalid_client, one log line', async (_name, options, headers, description) => {
      const a = await app({ ...options, required: true });
      const response = await request(url(a)).get('/').set(headers).expect(401);
      expect(response.body).toEqual({ error: 'invalid_client', error_description: description });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(a.logger.lines).toHaveLength(1);
    });

    it('passes a request with an accepted certificate', async () => {
      const a = await app({ trustedProxies: 'loopback', required: true });
      await request(url(a)).get('/').set(CERT, clientEc).expect(200);
    });
  });

  it('is a plain function of (req, res, next): a bad construction throws before any request', () => {
    expect(() => clientCertificate({ trustedProxies: '10.0.0.0/33' })).toThrow(TypeError);
  });
});
