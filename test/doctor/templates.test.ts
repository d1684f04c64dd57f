/**
 * `mtls-pop doctor` against every template we render, through the real servers: all PASS.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatReport } from '../../src/doctor/report.js';
import type { DoctorReport } from '../../src/doctor/run.js';
import { serverAvailable, withServerLogs } from '../helpers/servers.js';
import { deploy, notPassing, type Deployment } from './stack.js';

for (const kind of ['nginx', 'apache'] as const) {
  const describeIf = serverAvailable(kind) ? describe : describe.skip;
  describeIf(`doctor against the shipped ${kind} authorization-server template`, () => {
    let deployment: Deployment | undefined;
    let report: DoctorReport;

    beforeAll(async () => {
      deployment = await deploy(kind);
      report = await deployment.doctor();
      if (process.env.DOCTOR_PRINT) console.log(formatReport(report));
    });
    afterAll(async () => { await deployment?.stop(); });

    it('passes every check', async () => {
      await withServerLogs([deployment?.server], () => {
        expect(notPassing(report)).toEqual([]);
        expect(report.ok).toBe(true);
      });
    });

    it('ran every case the issue lists', () => {
      const ids = report.cases.map((line) => line.id);
      for (const id of ['probe', 'certificate', 'no-certificate', 'unknown-ca', 'forged/mtls/underscores/with-certificate', 'forged/plain/as-documented-twice/without-certificate',
        'verify-only/mtls', 'verify-only/plain', 'sni/mtls-sni-plain-host', 'sni/plain-sni-mtls-host', 'resumption/plain-to-mtls', 'size-limit', 'backend/untrusted-peer']) {
        expect(ids).toContain(id);
      }
    });
  });
}
