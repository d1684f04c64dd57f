import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS } from '../../src/config/index.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');

describe('the configuration table of the README', () => {
  it.each(CONFIG_KEYS.map((key) => [key.key, key]))('documents %s with its variable and default', (_name, key) => {
    expect(readme).toContain(`| \`${key.key}\` | \`${key.env}\` | \`${JSON.stringify(key.default)}\` |`);
  });
  it('has no row for a key the schema does not have', () => {
    const rows = [...readme.matchAll(/^\| `([\w.]+)` \| `MTLS_POP_\w+` \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual(CONFIG_KEYS.map((key) => key.key).sort());
  });
});
