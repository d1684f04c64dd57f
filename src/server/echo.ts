import express, { type Express } from 'express';
import { clientCertificate, type ClientCertificateOptions } from '../proxy/middleware.js';
import { probeReport, send } from '../proxy/probe.js';

/**
 * `mtls-pop echo`: a stand-in for the app on a staging deployment. Every request goes through
 * `clientCertificate(options)` and is answered with the probe's report (what the middleware saw:
 * header names, copies, thumbprints, verification, whether the peer was trusted; never a value).
 * Refusals are the middleware's own (400 / 401 JSON), as the real app would answer.
 */
export function createEchoApp(options: ClientCertificateOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(clientCertificate(options));
  app.use((req, res) => send(res, 200, probeReport(req)));
  return app;
}
