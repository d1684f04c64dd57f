import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveValues, type Placeholders, type TemplateValues } from './values.js';

/** The web servers mtls-pop ships templates for. */
export type TemplateServer = 'nginx' | 'apache' | 'iis';
export const TEMPLATE_SERVERS: readonly TemplateServer[] = Object.freeze(['nginx', 'apache', 'iis']);

/** Which configuration to render: the authorization server with its mTLS alias, or an API host. */
export type TemplateSite = 'authorization-server' | 'api';
export const TEMPLATE_SITES: readonly TemplateSite[] = Object.freeze(['authorization-server', 'api']);

export interface RenderOptions {
  /** Which site. Default `'authorization-server'`. Ignored for iis (one web.config per site). */
  site?: TemplateSite;
  /**
   * Wrap the site in a complete main configuration (nginx/nginx.conf, apache/httpd.conf) for a
   * server that runs only mtls-pop. Default `false`: the site alone, to include in an existing
   * configuration (nginx: inside `http {}`; Apache: with a `Listen` of its own). Ignored for iis.
   */
  standalone?: boolean;
}

/** Root of the shipped template folders: two levels above src/templates/ and dist/templates/. */
export const TEMPLATE_ROOT = join(import.meta.dirname, '..', '..');

// `include mtls-pop/<file>.conf;` (nginx) or `Include mtls-pop/<file>.conf` (Apache) is replaced
// by the rendered file, so the output stands alone while the shipped files stay readable.
const INCLUDE = /^([ \t]*)include[ \t]+mtls-pop\/([a-z-]+\.conf);?[ \t]*$/gim;
const PLACEHOLDER = /\{\{([A-Z_]+)\}\}/g;

/** A line holding a list placeholder (`{{UPSTREAM}}`) is written once per entry of the list. */
function repeatLines(source: string, where: string, placeholders: Placeholders): string {
  return source.split('\n').flatMap((line) => {
    const lists = [...line.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => Array.isArray(placeholders[name]));
    if (lists.length === 0) return [line];
    if (lists.length > 1) throw new Error(`templates: ${where} repeats more than one list placeholder on a line`);
    const name = lists[0]!;
    return (placeholders[name] as readonly string[]).map((entry) => line.replaceAll(`{{${name}}}`, entry));
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

/**
 * Renders the shipped configuration for `server` with `values`.
 * nginx: nginx/<site>.conf (standalone: nginx/nginx.conf around it); apache: apache/<site>.conf
 * (standalone: apache/httpd.conf around it); iis: iis/web.config. Snippet includes are inlined;
 * a line holding `{{UPSTREAM}}` is written once per upstream (nginx `server`, Apache `BalancerMember`).
 * @param server `'nginx'`, `'apache'` or `'iis'`
 * @param values the placeholders, validated (see TemplateValues)
 * @param options `site` (default `'authorization-server'`) and `standalone` (default `false`)
 * @returns the configuration text
 * @throws {TypeError} for an unknown server, site or option, an invalid value (naming its placeholder),
 *   or several upstreams for iis
 * @see RFC 8705 section 5 (mTLS endpoint aliases)
 */
export function renderTemplate(server: TemplateServer, values: TemplateValues, options: RenderOptions = {}): string {
  if (!TEMPLATE_SERVERS.includes(server)) throw new TypeError(`unknown template server "${String(server)}" (nginx, apache or iis)`);
  for (const key of Object.keys(options)) {
    if (key !== 'site' && key !== 'standalone') throw new TypeError(`unknown render option "${key}" (site, standalone)`);
  }
  const site = options.site ?? 'authorization-server';
  if (!TEMPLATE_SITES.includes(site)) throw new TypeError(`unknown site "${String(site)}" (authorization-server or api)`);
  if (options.standalone !== undefined && typeof options.standalone !== 'boolean') throw new TypeError('standalone must be a boolean');
  const placeholders: Placeholders = { ...resolveValues(values, server !== 'iis'), SITE: site };
  if (server === 'iis') {
    // ARR balances only over a server farm, defined in applicationHost.config, not in web.config.
    if ((placeholders.UPSTREAM as readonly string[]).length > 1) {
      throw new TypeError('upstream ({{UPSTREAM}}): iis renders one upstream; for several, define an ARR server farm in applicationHost.config (see iis/web.config)');
    }
    return renderFile(server, 'web.config', placeholders);
  }
  const main = server === 'nginx' ? 'nginx.conf' : 'httpd.conf';
  return renderFile(server, options.standalone ? main : `${site}.conf`, placeholders);
}
