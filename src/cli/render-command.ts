import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderTemplate, TEMPLATE_SERVERS, TEMPLATE_SITES, type TemplateServer, type TemplateSite, type TemplateValues } from '../templates/index.js';
import { choice, listOption, parse, stringOption, UsageError, type Parsed } from './args.js';
import { configFromArgs } from './config-command.js';
import type { Command, CommandIo } from './io.js';

const HELP = `Usage: mtls-pop render ${TEMPLATE_SERVERS.join('|')} [options]

Prints the shipped web-server or proxy configuration (${TEMPLATE_SERVERS.map((server) => `${server}/`).join(', ')}) filled in. Values come from
the flags, else from --config (issuer.url and issuer.mtlsUrl give the host names and port,
listen.host:listen.port the upstream, proxy.* the header names), else the template defaults.

Options:
  --server-name NAME        plain host name, e.g. as.example.com (nginx, apache: required unless
                            --config gives it; IIS takes host names from its site bindings)
  --mtls-server-name NAME   RFC 8705 section 5 mTLS alias host (default mtls.<server-name>)
  --listen PORT|ADDR:PORT   where the web server listens (default 443)
  --mtls-listen PORT|ADDR:PORT
                            haproxy: the mTLS alias's own listener (required for the
                            authorization-server site; publish its port in issuer.mtlsUrl)
  --upstream HOST:PORT      the app ('serve --behind-proxy'), plain HTTP (default 127.0.0.1:3000);
                            repeat it or separate with commas for N instances (nginx, apache)
  --certificate FILE        server certificate (PEM with chain; haproxy: with the key too,
                            or the key in FILE.key); every server but iis
  --certificate-key FILE    its private key; nginx, apache, caddy (haproxy: only FILE.key)
  --client-ca FILE          CA bundle of client certificates; every server but iis
  --crl FILE                PEM file of CRLs, one for every CA of the chain; nginx (ssl_crl),
                            apache (SSLCARevocationFile + SSLCARevocationCheck chain), haproxy (crl-file), envoy
  --namespace NAME          ingress-nginx: the Ingresses' namespace (default default)
  --tls-secret NAME         ingress-nginx: the kubernetes.io/tls Secret of the server certificate
  --client-ca-secret NS/NAME
                            ingress-nginx: the Secret whose ca.crt is the client CA bundle
  --site SITE               ${TEMPLATE_SITES.join(' | ')} (default authorization-server)
  --standalone              a complete main configuration instead of a site to include
  --config FILE             read defaults from this configuration
  -h, --help                this help
`;

const FLAGS = {
  'server-name': 'serverName',
  'mtls-server-name': 'mtlsServerName',
  listen: 'listen',
  'mtls-listen': 'mtlsListen',
  upstream: 'upstream',
  certificate: 'certificate',
  'certificate-key': 'certificateKey',
  'client-ca': 'clientCa',
  crl: 'crl',
  namespace: 'namespace',
  'tls-secret': 'tlsSecret',
  'client-ca-secret': 'clientCaSecret',
} as const satisfies Record<string, keyof TemplateValues>;
const FILE_FLAGS = new Set(['certificate', 'certificate-key', 'client-ca', 'crl']);

function fromConfig(parsed: Parsed, io: CommandIo, server: TemplateServer): TemplateValues | undefined {
  if (stringOption(parsed, 'config') === undefined) return undefined;
  const config = configFromArgs(parsed, io);
  const values: Partial<TemplateValues> = {};
  if (config.issuer.url) {
    const issuer = new URL(config.issuer.url);
    values.serverName = issuer.hostname;
    values.listen = issuer.port || '443';
  }
  if (config.issuer.mtlsUrl) {
    const alias = new URL(config.issuer.mtlsUrl);
    values.mtlsServerName = alias.hostname;
    // HAProxy gives the alias its own listener: the alias URL's port, when it has one of its own.
    if (server === 'haproxy' && alias.port && alias.port !== (values.listen ?? '443')) values.mtlsListen = alias.port;
  }
  values.upstream = `${config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host}:${config.listen.port}`;
  values.certificateHeader = config.proxy.header;
  if (config.proxy.verifyHeader) values.verifyHeader = config.proxy.verifyHeader;
  if (config.proxy.chainHeader && config.proxy.format.startsWith('apache')) values.chainHeaderPrefix = config.proxy.chainHeader;
  if (config.trust.anchors) values.clientCa = resolve(io.cwd, config.trust.anchors);
  return values as TemplateValues;
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'print the nginx, Apache, IIS, HAProxy, Caddy, ingress-nginx, Traefik or Envoy configuration filled in',
  help: HELP,
  async run(argv, io) {
    const options = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const, multiple: flag === 'upstream' }]));
    const parsed = parse(argv, { ...options, site: { type: 'string' }, standalone: { type: 'boolean' }, config: { type: 'string' } }, 1);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const server = choice<TemplateServer>(parsed.positionals[0], TEMPLATE_SERVERS, 'the server');
    if (!server) throw new UsageError(`expected the server: ${TEMPLATE_SERVERS.join(', ')}`);
    const site = choice<TemplateSite>(stringOption(parsed, 'site'), TEMPLATE_SITES, '--site');
    const values: Record<string, unknown> = { ...fromConfig(parsed, io, server) };
    // `--upstream a:1 --upstream b:2` or `--upstream a:1,b:2`: one entry per app instance.
    const upstreams = listOption(parsed, 'upstream').flatMap((value) => value.split(',').map((entry) => entry.trim()));
    if (upstreams.length > 0) values.upstream = upstreams.length === 1 ? upstreams[0] : upstreams;
    for (const [flag, key] of Object.entries(FLAGS)) {
      if (flag === 'upstream') continue;
      const value = stringOption(parsed, flag);
      if (value === undefined) continue;
      values[key] = FILE_FLAGS.has(flag) ? resolve(io.cwd, value) : value;
    }
    // IIS takes its host names from the site bindings, not from web.config.
    if (values.serverName === undefined && server !== 'iis') throw new UsageError(`--server-name is required for ${server} (or a --config with issuer.url)`);
    let text: string;
    try {
      text = renderTemplate(server, values as unknown as TemplateValues, { ...(site ? { site } : {}), ...(parsed.values.standalone === true ? { standalone: true } : {}) });
    } catch (error) {
      if (error instanceof TypeError) {
        // Name the flag rather than the template key, e.g. "certificateKey ({{CERTIFICATE_KEY}}): is required".
        const flag = Object.entries(FLAGS).find(([, key]) => error.message.startsWith(`${key} `))?.[0];
        throw new UsageError(flag ? `--${flag}: ${error.message.replace(/^\S+ \(\{\{\w+\}\}\): /, '')}` : error.message);
      }
      throw error;
    }
    // A configuration for another machine may name files that are not here: warn, render anyway.
    for (const [flag, key] of Object.entries(FLAGS)) {
      const file = values[key];
      if (server !== 'iis' && FILE_FLAGS.has(flag) && typeof file === 'string' && !existsSync(file)) {
        io.stderr(`mtls-pop render: warning: --${flag} ${file} does not exist here; ${server} will not start until it does\n`);
      }
    }
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  },
};
