import type { DoctorReport } from './run.js';

/**
 * The report as text: a header, one line per case (`PASS` / `FAIL` / `WARN` / `SKIP`, its id,
 * what was seen), the fix under each FAIL and WARN, and a summary line.
 */
export function formatReport(report: DoctorReport): string {
  const width = Math.min(44, Math.max(...report.cases.map((line) => line.id.length)));
  const lines = [
    `mtls-pop doctor: ${report.targets.mtls}${report.targets.plain ? `, plain ${report.targets.plain}` : ''}${report.targets.backend ? `, backend ${report.targets.backend}` : ''}${report.proxy ? ` (${report.proxy})` : ''}`,
  ];
  for (const line of report.cases) {
    lines.push(`${line.status}  ${line.id.padEnd(width)}  ${line.detail}`);
    for (const fix of line.fix ?? []) lines.push(`      fix ${fix}`);
  }
  const { PASS, FAIL, WARN, SKIP } = report.summary;
  lines.push(`doctor: ${FAIL === 0 ? 'no failures' : `${FAIL} FAIL`} (PASS ${PASS}, FAIL ${FAIL}, WARN ${WARN}, SKIP ${SKIP}; ${report.requests} requests)`);
  return `${lines.join('\n')}\n`;
}
