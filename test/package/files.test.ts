import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATE_SERVERS } from '../../src/templates/index.js';

const manifest = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown>; scripts: Record<string, string> };

describe('package.json', () => {
  it.each([...TEMPLATE_SERVERS])('publishes the %s templates that renderTemplate reads', (server) => {
    expect(manifest.files).toContain(server);
  });

  it('runs no build script in a consumer\'s install (no prepare, preinstall, install or postinstall)', () => {
    expect(Object.keys(manifest.scripts).filter((name) => ['prepare', 'preinstall', 'install', 'postinstall'].includes(name))).toEqual([]);
  });

  it('gives every entry point types, import and default', () => {
    for (const [path, target] of Object.entries(manifest.exports)) {
      if (path === './package.json') continue;
      expect({ path, conditions: Object.keys(target as object) }).toEqual({ path, conditions: ['types', 'import', 'default'] });
    }
  });
});
