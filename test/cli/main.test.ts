import { COMMANDS } from '../../src/cli/run.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../server/serve-process.js';
import { cli, expectOneLineError } from './io.js';

describe('mtls-pop <command>', () => {
  it('lists the commands with --help and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['serve', 'pki', 'keys', 'inspect', 'token', 'render', 'config']) expect(result.stdout).toContain(`  ${name} `);
  });

  it('prints the usage on stderr and exits 2 without a command', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: mtls-pop <command>');
  });

  it.each([['--version'], ['-V'], ['version']])('prints the package version with %s and exits 0', async (flag) => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await cli([flag]);
    expect(result).toEqual({ code: 0, stdout: `mtls-pop ${version}\n`, stderr: '' });
  });

  it.each([
    ['inspect', ['--josn'], "--josn'; did you mean '--json'?"],
    ['config', ['check', '--confg', 'x.json'], "--confg'; did you mean '--config'?"],
    ['render', ['nginx', '--server-nme', 'x'], "--server-nme'; did you mean '--server-name'?"],
    ['keys', ['list', '--hlep'], "--hlep'; did you mean '--help'?"],
  ])('suggests the nearest flag for a misspelled one (%s)', async (name, args, hint) => {
    const result = await cli([name, ...args]);
    expectOneLineError(result, 2, new RegExp(`^mtls-pop ${name}: Unknown option '`));
    expect(result.stderr).toContain(hint);
  });

  it('gives no suggestion for a flag nothing resembles', async () => {
    expect((await cli(['inspect', '--frobnicate'])).stderr).not.toContain('did you mean');
  });

  it('refuses an unknown command in one line', async () => {
    expectOneLineError(await cli(['sevre']), 2, /^mtls-pop: unknown command 'sevre'; did you mean 'serve'\?; commands: serve, pki/);
    expectOneLineError(await cli(['frobnicate']), 2, /^mtls-pop: unknown command 'frobnicate'; commands: serve, pki/);
    expectOneLineError(await cli(['--verbose']), 2, /^mtls-pop: unknown option '--verbose'; commands: serve, pki/);
  });

  describe.each(COMMANDS.map((command) => [command.name]))('mtls-pop %s', (name) => {
    it('has --help (exit 0, usage on stdout)', async () => {
      const result = await cli([name, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: mtls-pop ${name}`));
      expect(result.stderr).toBe('');
    });
    it('refuses an unknown flag with one line naming it and exit 2', async () => {
      expectOneLineError(await cli([name, '--no-such-flag']), 2, new RegExp(`^mtls-pop ${name}: Unknown option '--no-such-flag'.*\\(see 'mtls-pop ${name} --help'\\)$`));
    });
  });

  it('sets the process exit code when run as an executable (spawned)', async () => {
    const wrong = await runCli(['inspect', '--format', 'nginx']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    const help = await runCli(['config', '--help']);
    expect(help.code).toBe(0);
  }, 30_000);
});
