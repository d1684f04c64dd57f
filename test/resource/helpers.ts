import 'reflect-metadata';
import express, { type Express, type RequestHandler } from 'express';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDer } from '../../src/certificate/pem.js';
import type { Logger } from '../../src/log.js';
import { readPki } from '../helpers/fixtures.js';

export const ISSUER = 'https://as.example.com';
export const AUDIENCE = 'https://api.example.com';

/** A certificate fixture as the proxy middleware would set it. */
export const certificate = (name: string): ClientCertificate => ClientCertificate.fromDer(pemToDer(readPki(`${name}.pem`)));

/** Test stand-in for the proxy middleware: sets req.clientCertificate. */
export function withCertificate(cert: ClientCertificate | undefined): RequestHandler {
  return (req, _res, next) => {
    if (cert) (req as { clientCertificate?: ClientCertificate }).clientCertificate = cert;
    next();
  };
}

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(kid: string, alg = 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A well-formed bound access token; `claims` and `header` override or (with undefined) remove. */
export async function issueToken(key: SigningKey, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE, sub: 'client-ec', client_id: 'client-ec', iat: now, exp: now + 300, jti: `t${Math.random()}`, scope: 'payments:read payments:write', cnf: { 'x5t#S256': certificate('client-ec').thumbprint }, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const protectedHeader: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header };
  for (const [name, value] of Object.entries(protectedHeader)) if (value === undefined) delete protectedHeader[name];
  return new SignJWT(payload as JWTPayload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

/** A logger that records each line, to assert "one log line per refusal". */
export function recordingLogger(): Logger & { lines: { level: string; object: Record<string, unknown>; message?: string }[] } {
  const lines: { level: string; object: Record<string, unknown>; message?: string }[] = [];
  const at = (level: string) => (object: object, message?: string) => lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** An app with the given middleware chain and a route that echoes req.boundToken. */
export function protectedApp(...chain: RequestHandler[]): Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  app.get('/resource', ...chain, (req, res) => {
    res.json({ scopes: req.boundToken?.scopes, client: req.boundToken?.claims.client_id, certificate: req.boundToken?.certificate?.thumbprint });
  });
  app.post('/resource', ...chain, (req, res) => {
    res.json({ scopes: req.boundToken?.scopes });
  });
  return app;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export async function listen(app: Express | ((req: never, res: never) => void)): Promise<{ server: Server; url: string }> {
  const { createServer } = await import('node:http');
  const server = createServer(app as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function close(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A raw HTTP request: header values given as arrays are sent as repeated header lines. */
export function send(url: string, options: { method?: string; path?: string; headers?: Record<string, string | string[]>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${options.path ?? '/resource'}`, { method: options.method ?? 'GET', headers: options.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : {} }));
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
