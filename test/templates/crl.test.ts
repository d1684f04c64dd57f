import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTemplate } from '../../src/templates/index.js';
import { testApacheConfig, testNginxConfig, serverAvailable } from '../helpers/servers.js';
import { createRootCa } from '../revocation/openssl-ca.js';
import { templateValues } from './harness.js';

const ca = createRootCa('Template CRL CA');
const crlFile = join(ca.dir, 'client-ca.crl');
writeFileSync(crlFile, ca.crl());
afterAll(() => ca.cleanup());
const values = { ...templateValues(8443, 3000), crl: crlFile };

describe('renderTemplate(server, { crl })', () => {
  it.each(['authorization-server', 'api'] as const)('nginx %s: ssl_crl with the file only when crl is given', (site) => {
    expect(renderTemplate('nginx', values, { site })).toMatch(new RegExp(`^\\s+ssl_crl ${values.crl};$`, 'm'));
    expect(renderTemplate('nginx', templateValues(8443, 3000), { site })).not.toMatch(/^\s+ssl_crl /m);
  });

  it.each(['authorization-server', 'api'] as const)('apache %s: SSLCARevocationFile and SSLCARevocationCheck chain only when crl is given', (site) => {
    const text = renderTemplate('apache', values, { site });
    expect(text).toMatch(new RegExp(`^\\s+SSLCARevocationFile ${values.crl}$`, 'm'));
    expect(text).toMatch(/^\s+SSLCARevocationCheck chain$/m);
    const without = renderTemplate('apache', templateValues(8443, 3000), { site });
    expect(without).not.toMatch(/^\s+SSLCARevocation(File|Check) /m);
  });

  it('refuses a crl path that could inject configuration, and crl for iis', () => {
    expect(() => renderTemplate('nginx', { ...values, crl: '/etc/x.crl; include /etc/passwd' })).toThrow(/crl \(\{\{CRL\}\}\)/);
    expect(() => renderTemplate('nginx', { ...values, crl: 'relative.crl' })).toThrow(/absolute path/);
    expect(() => renderTemplate('iis', { crl: values.crl })).toThrow(/crl \(\{\{CRL\}\}\): is not used by the iis template/);
  });

  it('renders configurations that nginx -t and apache2 -t accept', () => {
    if (serverAvailable('nginx')) expect(testNginxConfig(renderTemplate('nginx', values, { standalone: true }))).toMatchObject({ ok: true });
    if (serverAvailable('apache')) expect(testApacheConfig(renderTemplate('apache', values, { standalone: true }))).toMatchObject({ ok: true });
  });
});
