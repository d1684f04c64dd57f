import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateHeaderError, type CertificateErrorCode } from '../../src/certificate/errors.js';

/** Text of a file under fixtures/headers. */
export const readHeader = (file: string): string => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'headers', file), 'utf8');

/** The `code` a call throws, or 'no error'; anything but a CertificateHeaderError is rethrown. */
export function codeOf(run: () => unknown): CertificateErrorCode | 'no error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    if (error instanceof CertificateHeaderError) return error.code;
    throw error;
  }
}
