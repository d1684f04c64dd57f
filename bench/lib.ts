/** Small helpers shared by the bench files: a timed loop and an HTTP load run, both as ops/s. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface Measurement {
  name: string;
  opsPerSecond: number;
  microsPerOp: number;
}

/** Runs `fn` repeatedly for about `durationMs` (after a warm-up) and returns ops/s. */
export async function measure(name: string, fn: () => unknown, durationMs = 1500): Promise<Measurement> {
  const warmUntil = performance.now() + Math.min(300, durationMs / 5);
  while (performance.now() < warmUntil) await fn();
  let count = 0;
  const start = performance.now();
  const end = start + durationMs;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 64; i++) await fn();
    count += 64;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { name, opsPerSecond: count / seconds, microsPerOp: (seconds * 1e6) / count };
}

/** Prints measurements as a table of ops/s, µs/op and the ratio to the first row (the baseline). */
export function printTable(title: string, rows: Measurement[]): void {
  const base = rows[0]!;
  console.log(`\n## ${title}\n`);
  console.log('| case | ops/s | µs/op | ratio to baseline |');
  console.log('|---|---:|---:|---:|');
  for (const row of rows) {
    console.log(`| ${row.name} | ${Math.round(row.opsPerSecond).toLocaleString('en-US')} | ${row.microsPerOp.toFixed(1)} | ${(row.opsPerSecond / base.opsPerSecond).toFixed(2)}x |`);
  }
}

export interface LoadOptions {
  url: string;
  connections?: number;
  durationSeconds?: number;
  /** Headers for every request; `requests` overrides per request (autocannon's round-robin). */
  headers?: Record<string, string>;
  requests?: { method?: string; path?: string; headers?: Record<string, string>; body?: string }[];
  method?: string;
  body?: string;
}

/**
 * HTTP throughput with autocannon, run in a separate process so that the load generator
 * does not share the server's event loop. Returns requests/s and the non-2xx count.
 */
export async function load(name: string, options: LoadOptions): Promise<Measurement & { non2xx: number; errors: number; p50: number; p99: number }> {
  const require = createRequire(import.meta.url);
  const autocannonBin = require.resolve('autocannon/autocannon.js');
  const script = `
    const autocannon = require(${JSON.stringify(autocannonBin)});
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => {
      autocannon(JSON.parse(input), (error, result) => {
        if (error) { console.error(error); process.exit(1); }
        process.stdout.write(JSON.stringify({ rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, p50: result.latency.p50, p99: result.latency.p99 }));
      });
    });`;
  const args = {
    url: options.url,
    connections: options.connections ?? 32,
    duration: options.durationSeconds ?? 5,
    headers: options.headers,
    requests: options.requests,
    method: options.method,
    body: options.body,
  };
  const output = await new Promise<string>((resolve, reject) => {
    // Options go through stdin: 1,000 distinct request headers overflow a command line.
    const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.end(JSON.stringify(args));
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`autocannon exited ${code}`))));
  });
  const result = JSON.parse(output) as { rps: number; non2xx: number; errors: number; p50: number; p99: number };
  return { name, opsPerSecond: result.rps, microsPerOp: 1e6 / result.rps, non2xx: result.non2xx, errors: result.errors, p50: result.p50, p99: result.p99 };
}
