/**
 * iis/web.config. IIS cannot run on the machines that build mtls-pop: these tests check only that
 * the shipped file is well-formed XML that blanks every forwarding header, and that the app
 * decodes the header format Microsoft documents for ARR (X-ARR-ClientCert: base64 DER).
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parseForwardedCertificate } from '../../src/forwarded/index.js';
import { clientCertificate } from '../../src/proxy/middleware.js';
import { FORWARDING_HEADERS, TEMPLATE_ROOT, renderTemplate } from '../../src/templates/index.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';
import { xmlProblems } from './xml.js';

/** What ARR sends: the DER of the client certificate, base64, no armour, no line breaks. */
const arrHeader = (fixture: string): string => readPki(fixture).replace(/-----[A-Z ]+-----|\s/g, '');

describe('iis/web.config', () => {
  const shipped = readFileSync(join(TEMPLATE_ROOT, 'iis', 'web.config'), 'utf8');
  const rendered = renderTemplate('iis', { upstream: '127.0.0.1:3000' });

  it.each([['as shipped', shipped], ['as rendered', rendered]])('is well-formed XML %s', (_label, xml) => {
    expect(xmlProblems(xml)).toEqual([]);
  });

  it('the well-formedness check finds broken XML', () => {
    expect(xmlProblems('<a><b></a>')).not.toEqual([]);
    expect(xmlProblems('<a x="1" x="2"/>')).not.toEqual([]);
    expect(xmlProblems('<a/><b/>')).not.toEqual([]);
    expect(xmlProblems('<a><!-- x -- y --></a>')).not.toEqual([]);
    expect(xmlProblems('<a>&</a>')).not.toEqual([]);
  });

  it('blanks every forwarding header and lists each as an allowed server variable', () => {
    for (const name of FORWARDING_HEADERS) {
      const variable = `HTTP_${name.toUpperCase().replaceAll('-', '_')}`;
      expect(rendered).toContain(`<set name="${variable}" value="" />`);
      expect(rendered).toContain(`<add name="${variable}" />`);
    }
  });

  it('says that it was not tested on IIS', () => {
    expect(shipped).toContain('NOT TESTED ON IIS');
  });
});

describe('the X-ARR-ClientCert format documented for IIS ARR (base64 DER)', () => {
  it.each(['client-ec.pem', 'client-rsa.pem', 'client-ed25519.pem'])('decodes %s to the thumbprint openssl computes', (fixture) => {
    expect(parseForwardedCertificate(arrHeader(fixture), 'base64-der').thumbprint).toBe(opensslThumbprint(pkiPath(fixture)));
  });

  it('reaches the app through clientCertificate({ format: "base64-der", header: "x-arr-clientcert" }) from a trusted proxy', async () => {
    const app = express();
    app.use(clientCertificate({ trustedProxies: 'loopback', format: 'base64-der', header: 'x-arr-clientcert' }));
    app.get('/', (req, res) => { res.json({ thumbprint: req.clientCertificate?.thumbprint }); });
    const response = await request(app).get('/').set('X-ARR-ClientCert', arrHeader('client-ec.pem'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ thumbprint: opensslThumbprint(pkiPath('client-ec.pem')) });
  });
});
