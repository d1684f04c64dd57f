import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { initCertificateAuthority, issueToFiles, pkiFiles, type WrittenFiles } from './files.js';

/** The development PKI of a state folder. */
export interface DevelopmentPki {
  dir: string;
  ca: WrittenFiles;
  server: WrittenFiles;
  client: WrittenFiles;
  /** Paths created by this call (empty when everything was reused). */
  created: string[];
}

/** The demo client's names: its certificate SAN is what the client registry matches. */
export const DEMO_CLIENT = { id: 'demo-client', dns: 'demo-client.localhost', subject: 'O=mtls-pop development, CN=demo-client' } as const;

/** Host names the development server certificate covers. */
export const DEVELOPMENT_SERVER_NAMES = ['localhost', 'as.localhost', 'mtls.as.localhost', 'api.localhost'] as const;

/**
 * Creates, once, a development CA, a server certificate for localhost and a demo client
 * certificate under `<stateDir>/pki`; later calls reuse them.
 */
export async function ensureDevelopmentPki(stateDir: string): Promise<DevelopmentPki> {
  const dir = resolve(stateDir, 'pki');
  const created: string[] = [];
  const ca = pkiFiles(dir, 'ca');
  if (!existsSync(ca.certificate)) {
    await initCertificateAuthority(dir, { force: true });
    created.push(ca.certificate, ca.key);
  }
  const server = pkiFiles(dir, 'server');
  if (!existsSync(server.certificate) || !existsSync(server.key) || created.length > 0) {
    await issueToFiles(dir, 'server', {
      subject: 'O=mtls-pop development, CN=localhost',
      profile: 'server',
      san: { dns: [...DEVELOPMENT_SERVER_NAMES], ip: ['127.0.0.1', '::1'] },
      force: true,
    });
    created.push(server.certificate, server.key);
  }
  const client = pkiFiles(dir, DEMO_CLIENT.id);
  if (!existsSync(client.certificate) || !existsSync(client.key) || created.includes(ca.certificate)) {
    await issueToFiles(dir, DEMO_CLIENT.id, { subject: DEMO_CLIENT.subject, profile: 'client', san: { dns: [DEMO_CLIENT.dns] }, force: true });
    created.push(client.certificate, client.key);
  }
  return { dir, ca, server, client, created };
}

