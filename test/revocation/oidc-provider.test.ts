import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { oidcProviderMtls } from '../../src/adapters/oidc-provider.js';
import { RevocationChecker } from '../../src/revocation/index.js';
import { memoryLogger } from '../issuer/helpers.js';
import { createRootCa, type OpensslCa } from './openssl-ca.js';
import { certificateFrom } from './stack.js';

// node-oidc-provider 9 with oidcProviderMtls({ revocation }) and helpers.checkRevocation in front.
type ProviderInstance = { callback(): (req: unknown, res: unknown) => void };
const providerModule = 'oidc-provider';
const { default: Provider } = (await import(providerModule)) as { default: new (issuer: string, configuration: object) => ProviderInstance };

let root: ReturnType<typeof createRootCa>;
let inter: OpensslCa;
let interFile: string;
const leaves: Record<string, string> = {};
const logger = memoryLogger();

async function stack(mountCheck: boolean): Promise<Express> {
  const crl = join(root.dir, 'all.crl');
  writeFileSync(crl, inter.crl() + root.crl());
  const mtls = oidcProviderMtls({ trustAnchors: root.pem(), logger, revocation: new RevocationChecker({ crlFiles: crl, logger }) });
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const client = (name: string) => ({ client_id: name, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: `CN=${name}` });
  const provider = new Provider('http://127.0.0.1', {
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'k', alg: 'ES256', use: 'sig' }] },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    clients: [client('alice'), client('bob')],
    clientAuthMethods: ['tls_client_auth'],
    features: { devInteractions: { enabled: false }, clientCredentials: { enabled: true }, mTLS: { enabled: true, tlsClientAuth: true, certificateBoundAccessTokens: true, ...mtls } },
  });
  const app = express();
  app.use((req, _res, next) => {
    const files = req.headers['x-test-certificate'];
    if (typeof files === 'string') req.clientCertificate = certificateFrom(files.split(','));
    next();
  });
  if (mountCheck) app.use(mtls.checkRevocation!);
  app.use(provider.callback() as express.RequestHandler);
  return app;
}

const token = (app: Express, name: string) => request(app).post('/token').type('form').set('x-test-certificate', `${leaves[name]},${interFile}`)
  .send(`grant_type=client_credentials&client_id=${name}`);
const lastCode = () => [...logger.lines].reverse().find((line) => line.object.code)?.object.code;

beforeAll(() => {
  root = createRootCa();
  const issued = root.issue('Inter CA', { ca: true });
  inter = issued.ca!;
  interFile = issued.certificateFile;
  leaves.alice = inter.issue('alice').certificateFile;
  leaves.bob = inter.issue('bob').certificateFile;
  inter.revoke(leaves.bob);
});

afterAll(() => root?.cleanup());

describe('oidcProviderMtls({ revocation }) with node-oidc-provider 9', () => {
  it('issues a token to a client whose certificate is not revoked', async () => {
    const response = await token(await stack(true), 'alice');
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe('Bearer');
  });

  it('answers a revoked certificate with invalid_client, ERR_CHAIN_REVOKED in the log line', async () => {
    const response = await token(await stack(true), 'bob');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(lastCode()).toBe('ERR_CHAIN_REVOKED');
  });

  it('refuses every certificate when checkRevocation is not mounted (ERR_REVOCATION_UNKNOWN), rather than skip the check', async () => {
    const response = await token(await stack(false), 'alice');
    expect(response.status).toBe(401);
    expect(lastCode()).toBe('ERR_REVOCATION_UNKNOWN');
  });

  it('keeps checkRevocation out of the spread into features.mTLS, and refuses revocation with verification: proxy', () => {
    const mtls = oidcProviderMtls({ trustAnchors: root.pem(), revocation: new RevocationChecker({ ocsp: true }) });
    expect(Object.keys({ ...mtls }).sort()).toEqual(['certificateAuthorized', 'certificateSubjectMatches', 'getCertificate']);
    expect(typeof mtls.checkRevocation).toBe('function');
    expect(() => oidcProviderMtls({ verification: 'proxy', revocation: new RevocationChecker({ ocsp: true }) })).toThrow(/revocation only applies to verification 'chain'/);
  });
});
