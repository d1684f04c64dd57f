/**
 * `mtls-pop doctor` and `mtls-pop echo` as commands: arguments, output, exit codes. The checks
 * themselves are specified in test/doctor/.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pkiPath } from '../helpers/fixtures.js';
import { serverAvailable } from '../helpers/servers.js';
import { MTLS_SERVER_NAME, SERVER_NAME } from '../templates/harness.js';
import { deploy, type Deployment } from '../doctor/stack.js';
import { cli, expectOneLineError } from './io.js';

describe('mtls-pop doctor: wrong arguments', () => {
  it('needs --mtls-url', async () => {
    expectOneLineError(await cli(['doctor', '--probe-secret', 'x'.repeat(20)]), 2, /^mtls-pop doctor: --mtls-url is required \(see 'mtls-pop doctor --help'\)$/);
  });
  it('needs the probe secret, from the flag or MTLS_POP_PROBE_SECRET', async () => {
    expectOneLineError(await cli(['doctor', '--mtls-url', 'https://mtls.example/']), 2, /the probe secret is required: --probe-secret or MTLS_POP_PROBE_SECRET/);
  });
  it('hints at a misspelled preset', async () => {
    const result = await cli(['doctor', '--mtls-url', 'https://mtls.example/', '--preset', 'ngnix', '--cert', pkiPath('client-ec.pem'), '--key', pkiPath('client-ec.key')], { env: { MTLS_POP_PROBE_SECRET: 'x'.repeat(20) } });
    expectOneLineError(result, 2, /--preset: unknown preset 'ngnix'; did you mean 'nginx'\?/);
  });
  it('refuses --cert without --key and a --resolve that is not HOST=ADDRESS', async () => {
    const env = { MTLS_POP_PROBE_SECRET: 'x'.repeat(20) };
    expectOneLineError(await cli(['doctor', '--mtls-url', 'https://mtls.example/', '--cert', pkiPath('client-ec.pem')], { env }), 2, /--cert and --key go together/);
    expectOneLineError(await cli(['doctor', '--mtls-url', 'https://mtls.example/', '--cert', pkiPath('client-ec.pem'), '--key', pkiPath('client-ec.key'), '--resolve', 'mtls.example'], { env }), 2, /--resolve: expected HOST=ADDRESS/);
  });
  it('prints its help with every flag', async () => {
    const result = await cli(['doctor', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--mtls-url', '--url', '--backend-url', '--cert', '--key', '--ca', '--probe-secret', '--preset', '--header', '--format', '--json']) expect(result.stdout).toContain(flag);
  });
  it('echo refuses a bad format with a one-line usage error', async () => {
    expectOneLineError(await cli(['echo', '--format', 'pem']), 2, /^mtls-pop echo: --format must be one of/);
  });
});

const describeIf = serverAvailable('nginx') ? describe : describe.skip;

describeIf('mtls-pop doctor against nginx in front of the echo app', () => {
  let good: Deployment | undefined;
  let broken: Deployment | undefined;
  beforeAll(async () => {
    good = await deploy('nginx', { echo: true });
    broken = await deploy('nginx', { echo: true, edit: (config) => config.replaceAll('underscores_in_headers off;', 'underscores_in_headers on;') });
  });
  afterAll(async () => {
    await good?.stop();
    await broken?.stop();
  });

  const argv = (deployment: Deployment): string[] => [
    'doctor', '--mtls-url', `https://${MTLS_SERVER_NAME}:${deployment.port}/`, '--url', `https://${SERVER_NAME}:${deployment.port}/`,
    '--resolve', `${MTLS_SERVER_NAME}=127.0.0.1`, '--resolve', `${SERVER_NAME}=127.0.0.1`,
    '--cert', pkiPath('client-ec.pem'), '--key', pkiPath('client-ec.key'), '--ca', pkiPath('ca-bundle.pem'),
  ];
  const env = { MTLS_POP_PROBE_SECRET: 'any-secret-will-do-for-echo' };

  it('exits 0 and prints one line per check and the summary when nothing fails', async () => {
    const result = await cli(argv(good!), { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^mtls-pop doctor: https:\/\/mtls\.as\.localhost:\d+\/, plain https:\/\/as\.localhost:\d+\/ \(nginx\)$/);
    expect(lines.slice(1, -1).every((line) => /^(PASS|SKIP)  \S+/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/^doctor: no failures \(PASS \d+, FAIL 0, WARN 0, SKIP 1; \d+ requests\)$/);
    expect(result.stdout).toContain('SKIP  backend/untrusted-peer');
  });

  it('exits 1 with the fix under each FAIL, and --json gives the same report to a pipeline', async () => {
    const text = await cli(argv(broken!), { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^FAIL  forged\/mtls\/underscores\/with-certificate .*\n      fix nginx: underscores_in_headers off;/m);
    const json = await cli([...argv(broken!), '--json'], { env });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; summary: Record<string, number>; cases: { id: string; status: string; fix?: string[] }[] };
    expect(report.ok).toBe(false);
    expect(report.summary.FAIL).toBeGreaterThan(0);
    expect(report.cases.find((line) => line.id === 'forged/plain/underscores/without-certificate')).toMatchObject({ status: 'FAIL', fix: [expect.stringMatching(/^nginx: underscores_in_headers off;/)] });
    expect(json.stdout).not.toContain('PRIVATE KEY');
  });
});
