/**
 * npm run demo: the whole RFC 8705 flow with printed steps. With nginx installed: renders the
 * shipped nginx template, runs nginx (foreground child, own prefix, free high port) in front of
 * `serve --behind-proxy`, and walks the flow through it; without nginx, runs the embedded default.
 * Either way it then keeps running, so that the printed commands can be tried, until Ctrl-C or
 * SIGTERM (`--no-wait`: stop right after the flow).
 */
import 'reflect-metadata';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { SAMPLE_API_SCOPE } from '../src/server/app.js';
import { curlCommands } from '../src/server/banner.js';
import { runDemoFlow, type DemoStep } from '../src/server/demo-flow.js';
import { startDemoStack } from '../src/server/demo-stack.js';
import { startServer } from '../src/server/start.js';
import { serverBinary, startNginx } from '../test/helpers/servers.js';

const stateDir = join(process.cwd(), '.mtls-pop', 'demo');
mkdirSync(stateDir, { recursive: true });
const logFile = join(stateDir, 'app.log');
const say = (text = ''): void => void process.stdout.write(`${text}\n`);
const wait = !process.argv.includes('--no-wait');

/** Resolves on the first SIGINT or SIGTERM (and stops listening for them). */
function stopRequested(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
const short = (file: string): string => relative(process.cwd(), file) || file;

function printStep(step: DemoStep, index: number): void {
  say(`${step.ok ? 'PASS' : 'FAIL'}  ${index + 1}. ${step.title}`);
  say(`      expected ${step.expected}; got ${step.actual}`);
  say(`      try it: ${step.curl}`);
}

async function withNginx(): Promise<boolean> {
  say('1. Rendering the shipped nginx template (nginx/authorization-server.conf) for as.localhost and its');
  say('   mTLS alias mtls.as.localhost, on a free high port, and starting `serve --behind-proxy` behind it.');
  const stack = await startDemoStack({ kind: 'nginx', stateDir, startWebServer: startNginx, logDestination: createWriteStream(logFile, { flags: 'a' }) });
  let index = 0;
  try {
    say(`   nginx pid ${stack.web.pid} on https://as.localhost:${stack.target.port} (and mtls.as.localhost); app on ${stack.apps[0]!.url}; app logs: ${short(logFile)}`);
    say(`   The *.localhost names resolve to 127.0.0.1 here; curl needs the --resolve shown.`);
    say();
    say('2. Walking the flow:');
    const steps = await runDemoFlow(stack.target, {
      ca: short(stack.files.ca), certificate: short(stack.files.certificate), key: short(stack.files.key),
      otherCertificate: short(stack.files.otherCertificate), otherKey: short(stack.files.otherKey),
    }, (step) => printStep(step, index++));
    say();
    const failed = steps.filter((step) => !step.ok).length;
    say(failed === 0 ? `All ${steps.length} steps passed.` : `${failed} of ${steps.length} steps FAILED; nginx said:\n${stack.web.logs()}`);
    if (wait) {
      const stopped = stopRequested();
      say();
      say(`nginx and the app keep running: try the commands above in another terminal (from ${process.cwd()}). Stop with Ctrl-C.`);
      say(`(stopped by ${await stopped})`);
    }
    return failed === 0;
  } finally {
    say('3. Stopping nginx and the app.');
    await stack.stop();
  }
}

async function embedded(): Promise<boolean> {
  say('nginx is not installed, so this demo runs the embedded default (Node terminates mTLS itself).');
  say('For the demo through nginx: sudo apt-get install -y nginx   (Debian/Ubuntu), then npm run demo again.');
  say();
  const running = await startServer(loadConfig({ overrides: { stateDir, 'listen.port': 0 } }), { logDestination: createWriteStream(logFile, { flags: 'a' }) });
  try {
    const demo = running.files.demoClient!;
    const commands = curlCommands({ ca: running.files.clientCa, certificate: demo.certificate, key: demo.key, clientId: demo.clientId, scope: SAMPLE_API_SCOPE, tokenUrl: `${running.mtlsBase}/token`, apiUrl: running.apiUrl }, process.cwd());
    say(`Running on ${running.url}. Try, in another terminal (from ${process.cwd()}):`);
    say(`  ${commands.api}`);
    if (wait) {
      const stopped = stopRequested();
      say('Stop with Ctrl-C.');
      say(`(stopped by ${await stopped})`);
    }
    return true;
  } finally {
    await running.close();
  }
}

const ok = serverBinary('nginx') ? await withNginx() : await embedded();
process.exitCode = ok ? 0 : 1;
