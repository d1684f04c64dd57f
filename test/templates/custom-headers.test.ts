/**
 * The nginx authorization-server template rendered with header names of the user's choosing
 * (`--certificate-header`, `--verify-header`, `--chain-header-prefix`), against the real nginx:
 * a client's own copies of those names never reach the app, on either host.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { CHAIN_HEADER_COUNT, renderTemplate } from '../../src/templates/index.js';
import { freePort, serverAvailable, startNginx, withServerLogs, type RunningServer } from '../helpers/servers.js';
import { FORGED_FIXTURE, FORGED_MARKER, MTLS_SERVER_NAME, SERVER_NAME, copies, echo, reference, request, templateValues } from './harness.js';
import { readPki } from '../helpers/fixtures.js';

const NAMES = { certificateHeader: 'X-Client-Certificate', verifyHeader: 'X-Client-Verified', chainHeaderPrefix: 'X-Client-Chain-' };
const CUSTOM = [NAMES.certificateHeader, NAMES.verifyHeader, ...Array.from({ length: CHAIN_HEADER_COUNT }, (_, index) => `${NAMES.chainHeaderPrefix}${index}`)];
const forged = encodeURIComponent(readPki(FORGED_FIXTURE));
/** Each custom name, twice, with a forged value the app could decode. */
const FORGED_LINES = CUSTOM.flatMap((name) => {
  const line = [name, name === NAMES.verifyHeader ? `SUCCESS ${FORGED_MARKER}` : forged] as const;
  return [line, line];
});

const available = serverAvailable('nginx');
(available ? describe : describe.skip)(`nginx${available ? '' : ' (SKIPPED: nginx is not installed)'}: the authorization-server template with custom header names`, () => {
  let app: Server | undefined;
  let nginx: RunningServer | undefined;
  let port = 0;

  beforeAll(async () => {
    const echoApp = express();
    echoApp.use(clientCertificate({
      trustedProxies: 'loopback', format: 'nginx', header: NAMES.certificateHeader, verifyHeader: NAMES.verifyHeader, chainHeader: NAMES.chainHeaderPrefix,
    }));
    echoApp.use((req, res) => {
      res.json({ thumbprint: req.clientCertificate?.thumbprint, subject: req.clientCertificate?.subject, verification: req.clientCertificateVerification, rawHeaders: req.rawHeaders });
    });
    const server = createServer(echoApp);
    app = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    const config = renderTemplate('nginx', { ...templateValues(port, (server.address() as AddressInfo).port), ...NAMES }, { standalone: true });
    nginx = await startNginx({ config, port });
  });

  afterAll(async () => {
    await nginx?.stop();
    if (app) {
      app.closeAllConnections();
      await new Promise<void>((resolve) => app!.close(() => resolve()));
    }
  });

  it(`on the plain host ${SERVER_NAME}: none of the custom names reaches the app`, async () => {
    const result = await request({ port, servername: SERVER_NAME, host: SERVER_NAME, cert: 'client-ec.pem', key: 'client-ec.key', headers: FORGED_LINES });
    await withServerLogs([nginx], () => {
      const seen = echo(result);
      expect(seen.status).toBe(200);
      expect(seen.thumbprint).toBeUndefined();
      for (const name of CUSTOM) expect([name, copies(seen.rawHeaders, name)]).toEqual([name, 0]);
      expect(seen.rawHeaders.join('\n')).not.toContain(FORGED_MARKER);
    });
  });

  it(`on the mTLS alias ${MTLS_SERVER_NAME}: the app sees nginx's values under the custom names, no forged chain`, async () => {
    const result = await request({ port, servername: MTLS_SERVER_NAME, host: MTLS_SERVER_NAME, cert: 'client-ec.pem', key: 'client-ec.key', headers: FORGED_LINES });
    await withServerLogs([nginx], () => {
      const seen = echo(result);
      expect(seen.status).toBe(200);
      expect({ thumbprint: seen.thumbprint, subject: seen.subject }).toEqual(reference('client-ec.pem'));
      expect(seen.verification).toEqual({ status: 'SUCCESS' });
      expect(copies(seen.rawHeaders, NAMES.verifyHeader)).toBe(1);
      for (const name of CUSTOM.slice(2)) expect([name, copies(seen.rawHeaders, name)]).toEqual([name, 0]);
      expect(seen.rawHeaders.join('\n')).not.toContain(FORGED_MARKER);
    });
  });
});
