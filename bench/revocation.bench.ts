/**
 * MemoryRevocationStore: the cost of one call while the store is nearly empty and while it holds
 * 100,000 live revocations (full: the revoke is refused, never a scan of the store).
 */
import { MemoryRevocationStore } from '../src/issuer/revocation.js';
import { measure, printTable } from './lib.js';

const exp = Date.now() / 1000 + 3600;
let n = 0;
const empty = new MemoryRevocationStore({ maxEntries: 100_000_000 });
const full = new MemoryRevocationStore();
for (let i = 0; i < 100_000; i += 1) await full.revoke(`jti-${i}`, exp);

const rows = [
  await measure('isRevoked, 100,000 entries (baseline)', () => full.isRevoked('jti-5')),
  await measure('revoke, store growing from empty', () => empty.revoke(`new-${n++}`, exp)),
  await measure('revoke, store full (refused: RevocationStoreFullError)', () => full.revoke(`more-${n++}`, exp).catch(() => undefined)),
];
printTable('MemoryRevocationStore, per call', rows);
