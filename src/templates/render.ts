import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveValues, type Placeholders, type TemplateValues, type ValueNeeds } from './values.js';

/** The web servers and proxies mtls-pop ships templates for. */
export type TemplateServer = 'nginx' | 'apache' | 'iis' | 'haproxy' | 'caddy' | 'ingress-nginx' | 'traefik' | 'envoy';
export const TEMPLATE_SERVERS: readonly TemplateServer[] = Object.freeze(['nginx', 'apache', 'iis', 'haproxy', 'caddy', 'ingress-nginx', 'traefik', 'envoy']);
/** The templates proven against the real server in the test suite; the others are checked for structure only. */
export const PROVEN_TEMPLATE_SERVERS: readonly TemplateServer[] = Object.freeze(['nginx', 'apache', 'haproxy', 'caddy']);

/** Which configuration to render: the authorization server with its mTLS alias, or an API host. */
export type TemplateSite = 'authorization-server' | 'api';
export const TEMPLATE_SITES: readonly TemplateSite[] = Object.freeze(['authorization-server', 'api']);

export interface RenderOptions {
  /** Which site. Default `'authorization-server'`. Ignored for iis (one web.config per site). */
  site?: TemplateSite;
  /**
   * Wrap the site in a complete main configuration (nginx/nginx.conf, apache/httpd.conf,
   * haproxy/haproxy.cfg) for a server that runs only mtls-pop. Default `false`: the site alone, to
   * include in an existing configuration (nginx: inside `http {}`; Apache: with a `Listen` of its
   * own; haproxy: one more `-f` file after the global and defaults sections). Ignored for iis.
   */
  standalone?: boolean;
}

/** Root of the shipped template folders: two levels above src/templates/ and dist/templates/. */
export const TEMPLATE_ROOT = join(import.meta.dirname, '..', '..');

/** Per server: its main file, the file of each site, and what its templates need. */
interface ServerTemplates {
  /** The standalone main configuration, which includes `{{SITE}}`. */
  main?: string;
  site(site: TemplateSite): string;
  needs(site: TemplateSite): ValueNeeds;
}

// Values only the Kubernetes render takes.
const KUBERNETES_ONLY = ['namespace', 'tlsSecret', 'clientCaSecret'] as const;

const SERVERS: Readonly<Record<TemplateServer, ServerTemplates>> = {
  nginx: {
    main: 'nginx.conf',
    site: (site) => `${site}.conf`,
    needs: () => ({ server: 'nginx', files: true, mtlsListen: false, unused: ['mtlsListen', ...KUBERNETES_ONLY] }),
  },
  apache: {
    main: 'httpd.conf',
    site: (site) => `${site}.conf`,
    needs: () => ({ server: 'apache', files: true, mtlsListen: false, unused: ['mtlsListen', ...KUBERNETES_ONLY] }),
  },
  iis: {
    site: () => 'web.config',
    needs: () => ({ server: 'iis', files: false, mtlsListen: false, unused: ['mtlsListen', 'crl', ...KUBERNETES_ONLY] }),
  },
  haproxy: {
    main: 'haproxy.cfg',
    site: (site) => `${site}.cfg`,
    // The alias gets its own listener: HAProxy asks for client certificates per `bind` line.
    needs: (site) => ({ server: site === 'api' ? 'haproxy api' : 'haproxy', files: true, keyInCertificate: true, mtlsListen: site === 'authorization-server', unused: [...(site === 'api' ? ['mtlsListen'] as const : []), 'chainHeaderPrefix', ...KUBERNETES_ONLY] }),
  },
  caddy: {
    main: 'Caddyfile',
    site: (site) => `${site}.caddyfile`,
    // Caddy 2.6 loads no CRL and forwards no chain.
    needs: () => ({ server: 'caddy', files: true, mtlsListen: false, unused: ['mtlsListen', 'chainHeaderPrefix', 'crl', ...KUBERNETES_ONLY] }),
  },
  // The three below cannot run in the test suite: their rendered YAML is checked for structure.
  'ingress-nginx': {
    site: (site) => `${site}.yaml`,
    // The controller sets fixed header names, takes its certificates from Secrets and listens where
    // its Service says; the app is one Kubernetes Service (`name:port`).
    needs: () => ({ server: 'ingress-nginx', files: false, kubernetes: true, mtlsListen: false,
      unused: ['listen', 'mtlsListen', 'certificate', 'certificateKey', 'clientCa', 'certificateHeader', 'verifyHeader', 'chainHeaderPrefix', 'crl'] }),
  },
  traefik: {
    site: (site) => `${site}.yaml`,
    // Entry points (where Traefik listens) belong to its static configuration; header names are Traefik's.
    needs: () => ({ server: 'traefik', files: true, mtlsListen: false,
      unused: ['listen', 'mtlsListen', 'certificateHeader', 'verifyHeader', 'chainHeaderPrefix', 'crl', ...KUBERNETES_ONLY] }),
  },
  envoy: {
    site: (site) => `${site}.yaml`,
    // Envoy's validation_context takes a CRL (`crl`).
    needs: () => ({ server: 'envoy', files: true, mtlsListen: false,
      unused: ['mtlsListen', 'certificateHeader', 'verifyHeader', 'chainHeaderPrefix', ...KUBERNETES_ONLY] }),
  },
};

// `include mtls-pop/<file>` (nginx, haproxy, the YAML files), `Include mtls-pop/<file>` (Apache) or
// `import mtls-pop/<file>` (Caddy) is replaced by the rendered file, so the output stands alone
// while the shipped files stay readable.
const INCLUDE = /^([ \t]*)(?:include|import)[ \t]+mtls-pop\/([a-z-]+\.(?:conf|cfg|caddyfile|yaml));?[ \t]*$/gim;
const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

/**
 * A line holding a list placeholder (`{{UPSTREAM}}`) is written once per entry of the list; lists
 * on one line (`{{UPSTREAM_NAME}}` beside `{{UPSTREAM}}`) must have the same length and are
 * taken in step. An empty list (`{{CRL}}` without a CRL) leaves the line out.
 */
function repeatLines(source: string, where: string, placeholders: Placeholders): string {
  return source.split('\n').flatMap((line) => {
    const lists = [...new Set([...line.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => Array.isArray(placeholders[name])))];
    if (lists.length === 0) return [line];
    const entries = lists.map((name) => placeholders[name] as readonly string[]);
    if (entries.some((list) => list.length !== entries[0]!.length)) throw new Error(`templates: ${where} repeats lists of different lengths on a line`);
    return entries[0]!.map((_entry, index) => lists.reduce((filled, name, at) => filled.replaceAll(`{{${name}}}`, entries[at]![index]!), line));
  }).join('\n');
}

function renderFile(server: TemplateServer, file: string, placeholders: Placeholders, depth = 0): string {
  if (depth > 3) throw new Error(`templates: include nesting too deep at ${server}/${file}`);
  const source = readFileSync(join(TEMPLATE_ROOT, server, file), 'utf8');
  const filled = repeatLines(source, `${server}/${file}`, placeholders).replace(PLACEHOLDER, (whole, name: string) => {
    const value = placeholders[name];
    if (typeof value !== 'string') throw new Error(`templates: ${server}/${file} uses unknown placeholder ${whole}`);
    return value;
  });
  return filled.replace(INCLUDE, (_whole, indent: string, included: string) =>
    renderFile(server, included, placeholders, depth + 1).trimEnd().split('\n').map((line) => (line ? indent + line : line)).join('\n'));
}

/** Checks that only one server can make: HAProxy's `crt` takes the key from the file or from `<file>.key`. */
function checkServerValues(server: TemplateServer, values: TemplateValues, placeholders: Placeholders): void {
  if (server === 'ingress-nginx') {
    const upstreams = placeholders.UPSTREAM as readonly string[];
    // The Service balances over the app's pods: the Ingress names one Service.
    if (upstreams.length !== 1 || !/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?:\d+$/.test(upstreams[0]!)) {
      throw new TypeError('upstream ({{UPSTREAM}}): ingress-nginx takes one Kubernetes Service as service-name:port (its pods are the instances)');
    }
  }
  if (server === 'haproxy' && values.certificateKey !== undefined && values.certificate !== undefined
    && values.certificateKey !== values.certificate && values.certificateKey !== `${values.certificate}.key`) {
    throw new TypeError(`certificateKey ({{CERTIFICATE_KEY}}): haproxy reads the key from the certificate file itself or from "${values.certificate}.key"; put it there, or leave certificateKey out`);
  }
}

/**
 * Renders the shipped configuration for `server` with `values`.
 * nginx: nginx/<site>.conf (standalone: nginx/nginx.conf around it); apache: apache/<site>.conf
 * (standalone: apache/httpd.conf around it); haproxy: haproxy/<site>.cfg (standalone:
 * haproxy/haproxy.cfg around it); iis: iis/web.config. Snippet includes are inlined; a line
 * holding `{{UPSTREAM}}` is written once per upstream (nginx `server`, Apache `BalancerMember`,
 * haproxy `server`).
 * @param server `'nginx'`, `'apache'`, `'iis'` or `'haproxy'`
 * @param values the placeholders, validated (see TemplateValues)
 * @param options `site` (default `'authorization-server'`) and `standalone` (default `false`)
 * @returns the configuration text
 * @throws {TypeError} for an unknown server, site or option, an invalid, missing or unused value
 *   (naming its placeholder), or several upstreams for iis
 * @see RFC 8705 section 5 (mTLS endpoint aliases)
 */
export function renderTemplate(server: TemplateServer, values: TemplateValues, options: RenderOptions = {}): string {
  if (!TEMPLATE_SERVERS.includes(server)) throw new TypeError(`unknown template server "${String(server)}" (${TEMPLATE_SERVERS.join(', ')})`);
  for (const key of Object.keys(options)) {
    if (key !== 'site' && key !== 'standalone') throw new TypeError(`unknown render option "${key}" (site, standalone)`);
  }
  const site = options.site ?? 'authorization-server';
  if (!TEMPLATE_SITES.includes(site)) throw new TypeError(`unknown site "${String(site)}" (authorization-server or api)`);
  if (options.standalone !== undefined && typeof options.standalone !== 'boolean') throw new TypeError('standalone must be a boolean');
  const templates = SERVERS[server];
  const placeholders: Placeholders = { ...resolveValues(values, templates.needs(site)), SITE: site };
  checkServerValues(server, values, placeholders);
  if (server === 'iis') {
    // ARR balances only over a server farm, defined in applicationHost.config, not in web.config.
    if ((placeholders.UPSTREAM as readonly string[]).length > 1) {
      throw new TypeError('upstream ({{UPSTREAM}}): iis renders one upstream; for several, define an ARR server farm in applicationHost.config (see iis/web.config)');
    }
  }
  return renderFile(server, options.standalone && templates.main ? templates.main : templates.site(site), placeholders);
}
