/**
 * `mtls-pop doctor` against deliberately broken configurations, through the real servers: each
 * must be reported FAIL, with the fix in that server's own terms.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatReport } from '../../src/doctor/report.js';
import type { DoctorOptions, DoctorReport } from '../../src/doctor/run.js';
import type { TemplateServer } from '../../src/templates/index.js';
import type { ClientCertificateOptions } from '../../src/proxy/middleware.js';
import { serverAvailable, withServerLogs } from '../helpers/servers.js';
import { MTLS_SERVER_NAME } from '../templates/harness.js';
import { APP_OPTIONS, deploy, type Deployment } from './stack.js';

interface Broken {
  name: string;
  kind: Extract<TemplateServer, 'nginx' | 'apache'>;
  edit?: (config: string) => string;
  app?: ClientCertificateOptions;
  doctor?: (deployment: Deployment) => Partial<DoctorOptions>;
  /** Case ids (prefixes) that must FAIL, and what their fix must say. */
  fails: readonly (readonly [idPrefix: string, fix: RegExp])[];
}

/** The plain host's server block / virtual host: the text before the mTLS alias's. */
function inPlainHost(config: string, marker: string, change: (block: string) => string): string {
  const at = config.indexOf(marker);
  return change(config.slice(0, at)) + config.slice(at);
}

// A name the server certificate covers, served by a second server block.
const OTHER_HOST = 'api.localhost';

const BROKEN: readonly Broken[] = [
  {
    name: 'nginx: the plain host does not clear the forwarding headers',
    kind: 'nginx',
    edit: (config) => inPlainHost(config, `server_name ${MTLS_SERVER_NAME};`, (block) => block.replace(/^\s*proxy_set_header \S+ "";\n/gm, '')),
    fails: [['forged/plain/', /^nginx: in the plain host's server block.*proxy_set_header X-SSL-Client-Cert ""/i], ['verify-only/plain', /^nginx: .*X-SSL-Client-Verify/]],
  },
  {
    name: 'nginx: underscores_in_headers on',
    kind: 'nginx',
    edit: (config) => config.replaceAll('underscores_in_headers off;', 'underscores_in_headers on;'),
    fails: [['forged/mtls/underscores/', /^nginx: underscores_in_headers off;/], ['forged/plain/one-underscore/', /^nginx: underscores_in_headers off;/]],
  },
  {
    name: "Apache without the rule that refuses '_' spellings",
    kind: 'apache',
    edit: (config) => config.replace(/^\s*SetEnvIfNoCase "\^\(\?=\[\^_\]\*_\).*\n/gm, ''),
    fails: [['forged/mtls/underscores/', /^apache: .*SetEnvIfNoCase/], ['forged/plain/one-underscore/', /^apache: .*SetEnvIfNoCase/]],
  },
  {
    name: 'nginx: a second server block on the same port forwards the headers as-is',
    kind: 'nginx',
    edit: (config) => config.replace(/\n}\s*$/, `
    server {
        listen ${/listen (\S+) ssl;/.exec(config)![1]} ssl;
        server_name ${OTHER_HOST};
        ssl_certificate ${/ssl_certificate (\S+);/.exec(config)![1]};
        ssl_certificate_key ${/ssl_certificate_key (\S+);/.exec(config)![1]};
        location / {
            proxy_pass http://mtls_pop_app;
        }
    }
}
`),
    doctor: (deployment) => ({ url: `https://${OTHER_HOST}:${deployment.port}/`, addresses: { [MTLS_SERVER_NAME]: '127.0.0.1', [OTHER_HOST]: '127.0.0.1' } }),
    fails: [['sni/mtls-sni-plain-host', /^nginx: nginx serves a request from the server block its Host names.*every server block/], ['forged/plain/lower-case/', /^nginx: in the plain host's server block/]],
  },
  {
    name: 'the backend trusts every loopback peer (trust-all for this machine)',
    kind: 'nginx',
    app: { ...APP_OPTIONS.nginx, trustedProxies: 'loopback' },
    fails: [['backend/untrusted-peer', /^app: clientCertificate\(\{ trustedProxies \}\) must list only the proxy's own address/]],
  },
];

for (const broken of BROKEN) {
  const describeIf = serverAvailable(broken.kind) ? describe : describe.skip;
  describeIf(`doctor against a broken configuration: ${broken.name}`, () => {
    let deployment: Deployment | undefined;
    let report: DoctorReport;

    beforeAll(async () => {
      deployment = await deploy(broken.kind, { ...(broken.edit ? { edit: broken.edit } : {}), ...(broken.app ? { app: broken.app } : {}) });
      report = await deployment.doctor(broken.doctor?.(deployment));
      if (process.env.DOCTOR_PRINT) console.log(formatReport(report));
    });
    afterAll(async () => { await deployment?.stop(); });

    it('fails, so the exit code is 1', () => {
      expect(report.ok).toBe(false);
      expect(report.summary.FAIL).toBeGreaterThan(0);
    });

    it.each(broken.fails.map(([prefix, fix]) => [prefix, fix] as const))('reports %s as FAIL with the fix in the server\'s terms', async (prefix, fix) => {
      await withServerLogs([deployment?.server], () => {
        const lines = report.cases.filter((line) => line.id.startsWith(prefix));
        expect(lines.length).toBeGreaterThan(0);
        const failing = lines.filter((line) => line.status === 'FAIL');
        expect(failing.map((line) => line.id)).toEqual(expect.arrayContaining([expect.stringContaining(prefix)]));
        for (const line of failing) expect(line.fix ?? []).toEqual(expect.arrayContaining([expect.stringMatching(fix)]));
      });
    });

    it('still passes what the break does not touch (the real certificate arrives)', () => {
      expect(report.cases.find((line) => line.id === 'certificate')?.status).toBe('PASS');
    });
  });
}
