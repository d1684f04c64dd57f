import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pemToDerList } from '../../src/certificate/pem.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Every forwarded header sample under fixtures/headers (synthetic per format and captured from real servers). */
export function headerSamples(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(join(FIXTURES, 'headers'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(FIXTURES, 'headers', dir.name))) {
      if (!file.endsWith('.txt') || file === 'VERSIONS.txt') continue;
      out.push(readFileSync(join(FIXTURES, 'headers', dir.name, file), 'utf8').replace(/\n$/, ''));
    }
  }
  return out.sort();
}

/** Header samples of one format directory (`nginx`, `xfcc`...). */
export function headerSamplesOf(format: string): string[] {
  const dir = join(FIXTURES, 'headers', format);
  return readdirSync(dir).filter((file) => file.endsWith('.txt')).sort()
    .map((file) => readFileSync(join(dir, file), 'utf8').replace(/\n$/, ''));
}

/** Names of the certificate fixtures (fixtures/pki/*.pem that hold one certificate). */
export function certificateNames(): string[] {
  return readdirSync(join(FIXTURES, 'pki')).filter((file) => file.endsWith('.pem') && !file.endsWith('-chain.pem') && file !== 'ca-bundle.pem')
    .map((file) => file.slice(0, -4)).sort();
}

/** The DER of a certificate fixture. */
export function certificateDer(name: string): Buffer {
  return pemToDerList(readFileSync(join(FIXTURES, 'pki', `${name}.pem`), 'utf8'))[0]!;
}

/** The PEM text of every fixtures/pki/*.pem file, including chains and the CA bundle. */
export function pemSamples(): string[] {
  return readdirSync(join(FIXTURES, 'pki')).filter((file) => file.endsWith('.pem')).sort()
    .map((file) => readFileSync(join(FIXTURES, 'pki', file), 'utf8'));
}
