/**
 * Captures what the real nginx and Apache httpd send for a client certificate, as the Node
 * backend sees it, into fixtures/headers/real/. Both servers run in the foreground as our
 * children on loopback high ports with a private prefix, and are killed by pid at the end.
 *   tsx scripts/capture-samples.ts
 */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const pki = (name: string) => join(root, 'fixtures', 'pki', name);
const out = join(root, 'fixtures', 'headers', 'real');

const freePort = () => new Promise<number>((resolve) => {
  const server = createNetServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

const nginxConfig = (dir: string, port: number, backend: number) => `
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${pki('server.pem')};
    ssl_certificate_key ${pki('server.key')};
    ssl_client_certificate ${pki('ca-bundle.pem')};
    ssl_verify_client optional;
    ssl_verify_depth 3;
    location / {
      proxy_pass http://127.0.0.1:${backend};
      proxy_set_header X-SSL-Client-Escaped-Cert $ssl_client_escaped_cert;
      proxy_set_header X-SSL-Client-Verify $ssl_client_verify;
    }
  }
}`;

const apacheConfig = (dir: string, port: number, backend: number) => `
ServerRoot ${dir}
ServerName localhost
PidFile ${dir}/apache.pid
DefaultRuntimeDir ${dir}
Mutex file:${dir} default
ErrorLog ${dir}/apache-error.log
LogLevel warn
Listen 127.0.0.1:${port}
User nobody
Group nogroup
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so
LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so
LoadModule proxy_http_module /usr/lib/apache2/modules/mod_proxy_http.so
LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so
SSLSessionCache none
<VirtualHost 127.0.0.1:${port}>
  SSLEngine on
  SSLCertificateFile ${pki('server.pem')}
  SSLCertificateKeyFile ${pki('server.key')}
  SSLCACertificateFile ${pki('ca-bundle.pem')}
  SSLVerifyClient optional
  SSLVerifyDepth 3
  SSLOptions +ExportCertData
  RequestHeader set X-SSL-Client-Cert "%{SSL_CLIENT_CERT}s"
  RequestHeader set X-SSL-Client-Cert-Escaped "expr=%{escape:%{SSL_CLIENT_CERT}}"
  RequestHeader set X-SSL-Client-Cert-Chain-0 "%{SSL_CLIENT_CERT_CHAIN_0}s"
  RequestHeader set X-SSL-Client-Verify "%{SSL_CLIENT_VERIFY}s"
  ProxyPass / http://127.0.0.1:${backend}/
</VirtualHost>`;

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createNetServer();
      socket.once('error', () => resolve(true));
      socket.listen(port, '127.0.0.1', () => socket.close(() => resolve(false)));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} never opened`);
}

// Asynchronous: the backend answering curl lives in this same event loop.
async function curl(port: number, client?: { cert: string; key: string }): Promise<void> {
  const args = ['-sS', '--max-time', '10', '--cacert', pki('ca-bundle.pem'), '--resolve', `localhost:${port}:127.0.0.1`];
  if (client) args.push('--cert', pki(client.cert), '--key', pki(client.key));
  await promisify(execFile)('curl', [...args, `https://localhost:${port}/`], { encoding: 'utf8' });
}

const clients = [
  { label: 'client-ec-chain', cert: 'client-ec-chain.pem', key: 'client-ec.key' },
  { label: 'client-rsa', cert: 'client-rsa.pem', key: 'client-rsa.key' },
  { label: 'client-rsa-chain', cert: 'client-rsa-chain.pem', key: 'client-rsa.key' },
];

const received: IncomingHttpHeaders[] = [];
const backend = createServer((req, res) => {
  received.push(req.headers);
  res.end('ok');
});
await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
const backendPort = (backend.address() as { port: number }).port;
const dir = mkdtempSync(join(tmpdir(), 'mtls-pop-capture-'));
for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
mkdirSync(out, { recursive: true });

const servers = [
  { name: 'nginx', config: nginxConfig, command: (file: string) => ['nginx', ['-p', dir, '-c', file]] as const,
    headers: { 'x-ssl-client-escaped-cert': 'nginx-escaped-cert' } },
  { name: 'apache', config: apacheConfig, command: (file: string) => ['apache2', ['-f', file, '-DFOREGROUND']] as const,
    headers: { 'x-ssl-client-cert': 'apache-cert', 'x-ssl-client-cert-escaped': 'apache-escaped-cert', 'x-ssl-client-cert-chain-0': 'apache-chain-0' } },
];

const children: ChildProcess[] = [];
try {
  for (const server of servers) {
    const port = await freePort();
    const file = join(dir, `${server.name}.conf`);
    writeFileSync(file, server.config(dir, port, backendPort));
    const [command, args] = server.command(file);
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(child);
    await waitForPort(port, child);
    for (const client of [...clients, undefined]) {
      received.length = 0;
      await curl(port, client);
      const headers = received[0]!;
      const label = client?.label ?? 'no-certificate';
      for (const [header, stem] of Object.entries(server.headers)) {
        const value = headers[header];
        // A missing header is recorded as such, so the fixture shows what the backend really saw.
        writeFileSync(join(out, `${stem}.${label}.txt`), value === undefined ? '' : String(value));
        if (value === undefined) writeFileSync(join(out, `${stem}.${label}.missing`), 'header not sent\n');
      }
      writeFileSync(join(out, `${server.name}-verify.${label}.txt`), String(headers['x-ssl-client-verify'] ?? ''));
    }
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  writeFileSync(join(out, 'VERSIONS.txt'), execFileSync('sh', ['-c', 'nginx -v 2>&1; apache2 -v | head -1; curl --version | head -1'], { encoding: 'utf8' }));
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  backend.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`samples written to ${out}`);
