import { readFileSync } from 'node:fs';
import convict from 'convict';
import { ConfigError } from './errors.js';
import { closest } from '../lib/closest.js';
import { parseJsonText } from '../lib/json-text.js';
import { CONFIG_KEYS } from './keys.js';
import { PRESETS } from '../proxy/presets/index.js';
import { redactUrl } from './redact.js';
import { schema } from './schema.js';
import type { MtlsPopConfig } from './types.js';

export interface LoadConfigOptions {
  /** A JSON file with any subset of the schema (nested objects, e.g. `{"listen": {"port": 0}}`). */
  file?: string;
  /** Environment to read `MTLS_POP_*` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Values that win over everything, by dotted key (CLI flags such as `--behind-proxy`). */
  overrides?: Readonly<Record<string, unknown>>;
}

const KEY_NAMES = CONFIG_KEYS.map((entry) => entry.key);
const BY_KEY = new Map(CONFIG_KEYS.map((entry) => [entry.key, entry]));
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
/** Keys holding a URL that may carry credentials (`user:pass@`); convict echoes a refused value in full. */
const URL_KEYS = new Set(['issuer.url', 'issuer.mtlsUrl', 'trust.ocspResponder']);

function readFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError('ERR_CONFIG_FILE', [`--config ${file}: ${reason}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseJsonText(text, `--config ${file}`);
  } catch (error) {
    throw new ConfigError('ERR_CONFIG_FILE', [(error as Error).message]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError('ERR_CONFIG_FILE', [`--config ${file}: must hold a JSON object`]);
  }
  return parsed as Record<string, unknown>;
}

/** A refused URL as an error message may show it: credentials masked, and masked whole when an `@` is left that no URL parse explains. */
function refusedUrl(value: string): string {
  const masked = redactUrl(value);
  return masked === value && value.includes('@') ? '***' : masked;
}

/** Unknown keys of a config file, each with a hint when it looks like a typo. */
function unknownKeys(object: Record<string, unknown>, file: string, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(object)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (BY_KEY.has(key)) continue;
    const isGroup = KEY_NAMES.some((known) => known.startsWith(`${key}.`));
    if (isGroup && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      problems.push(...unknownKeys(value as Record<string, unknown>, file, key));
      continue;
    }
    if (isGroup) {
      problems.push(`${key} (${file}): must be an object (the group of ${key}.* keys)`);
      continue;
    }
    // Candidates are the keys and groups at the same level, so 'proxi' suggests 'proxy'.
    const depth = key.split('.').length;
    const siblings = [...new Set(KEY_NAMES.filter((known) => known.startsWith(prefix ? `${prefix}.` : ''))
      .map((known) => known.split('.').slice(0, depth).join('.')))];
    const hint = closest(key, siblings);
    problems.push(`${key} (${file}): unknown key${hint ? `; did you mean '${hint}'?` : ''}`);
  }
  return problems;
}

/** Environment values convict would coerce loosely (booleans, lists) are checked and converted here. */
function environment(env: NodeJS.ProcessEnv): { values: Record<string, string>; lists: Map<string, string[]>; problems: string[] } {
  const values: Record<string, string> = {};
  const lists = new Map<string, string[]>();
  const problems: string[] = [];
  for (const entry of CONFIG_KEYS) {
    const raw = env[entry.env];
    if (raw === undefined) continue;
    if (entry.isBoolean) {
      const lower = raw.trim().toLowerCase();
      if (!TRUE.has(lower) && !FALSE.has(lower)) {
        problems.push(`${entry.key} (${entry.env}): must be true or false: value was ${JSON.stringify(raw)}`);
        continue;
      }
      values[entry.env] = TRUE.has(lower) ? 'true' : 'false';
    } else if (entry.isList) {
      lists.set(entry.key, raw.split(',').map((item) => item.trim()).filter((item) => item !== ''));
    } else {
      values[entry.env] = raw;
    }
  }
  return { values, lists, problems };
}

/** Where a key's value came from, for error messages. */
function sourceOf(key: string, env: NodeJS.ProcessEnv, file: string | undefined, fileObject: Record<string, unknown>, overrides: Readonly<Record<string, unknown>>): string {
  const entry = BY_KEY.get(key);
  if (key in overrides) return 'command line';
  if (entry && env[entry.env] !== undefined) return entry.env;
  let node: unknown = fileObject;
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  if (node !== undefined && file) return file;
  return 'default';
}

/** Rules between keys that convict's per-key formats cannot express. */
function crossChecks(config: MtlsPopConfig): string[] {
  const problems: string[] = [];
  if (config.mode === 'behind-proxy') {
    if (config.proxy.trustedProxies.length === 0) {
      problems.push("proxy.trustedProxies (MTLS_POP_TRUSTED_PROXIES): behind-proxy mode needs the proxy's address, e.g. [\"loopback\"]; nobody is trusted by default");
    }
    if (config.issuer.url === '') {
      problems.push('issuer.url (MTLS_POP_ISSUER): behind-proxy mode needs the public https URL the proxy serves, e.g. https://as.example.com');
    }
    if (config.proxy.header.trim() === '') problems.push('proxy.header (MTLS_POP_HEADER): must name a header');
  }
  if ((config.tls.certificate === '') !== (config.tls.key === '')) {
    problems.push('tls.certificate / tls.key: set both or neither (neither: the development certificate is used)');
  }
  if (config.issuer.tokenLifetime < 1) problems.push('issuer.tokenLifetime (MTLS_POP_TOKEN_LIFETIME): must be at least 1 second');
  if (config.issuer.keyRetention < config.issuer.tokenLifetime) {
    problems.push(`issuer.keyRetention (MTLS_POP_KEY_RETENTION): ${config.issuer.keyRetention} is less than issuer.tokenLifetime (${config.issuer.tokenLifetime}); a rotated-out key would vanish before its tokens expire`);
  }
  const preset = config.proxy.preset ? PRESETS[config.proxy.preset].verification : undefined;
  if (config.mode === 'behind-proxy' && config.proxy.requireVerified && preset && 'unverifiable' in preset && config.proxy.verifyHeader === schema.proxy.verifyHeader.default) {
    problems.push(`proxy.requireVerified (MTLS_POP_REQUIRE_VERIFIED): preset '${config.proxy.preset}' cannot be checked: ${preset.unverifiable}`);
  }
  for (const name of ['header', 'chainHeader', 'verifyHeader'] as const) {
    const value = config.proxy[name];
    if (value !== '' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)) {
      problems.push(`proxy.${name}: ${JSON.stringify(value)} is not a valid HTTP header name`);
    }
  }
  return problems;
}

/**
 * Reads the configuration: defaults, then the JSON file, then `MTLS_POP_*` variables, then
 * `overrides`. Validates every key once and throws a `ConfigError` whose problems each name
 * the key and where its value came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): MtlsPopConfig {
  const env = options.env ?? process.env;
  const overrides = options.overrides ?? {};
  const fileObject = options.file ? readFile(options.file) : {};
  const problems = options.file ? unknownKeys(fileObject, options.file) : [];
  for (const key of Object.keys(overrides)) {
    if (!BY_KEY.has(key)) throw new TypeError(`loadConfig: unknown override '${key}'`);
  }
  const fromEnv = environment(env);
  problems.push(...fromEnv.problems);

  const config = convict(schema, { env: fromEnv.values, args: [] });
  if (problems.length === 0) {
    try {
      config.load(fileObject);
    } catch (error) {
      problems.push(`${options.file}: ${(error as Error).message}`);
    }
  }
  const setAny = config.set.bind(config) as (key: string, value: unknown) => void;
  for (const [key, list] of fromEnv.lists) setAny(key, list);
  for (const [key, value] of Object.entries(overrides)) setAny(key, value);

  if (problems.length === 0) {
    try {
      config.validate({ allowed: 'strict' });
    } catch (error) {
      for (const line of (error as Error).message.split('\n')) {
        const match = /^([\w.]+): (.*)$/.exec(line);
        if (match && BY_KEY.has(match[1]!)) {
          const reason = URL_KEYS.has(match[1]!)
            ? match[2]!.replace(/: value was ("(?:[^"\\]|\\.)*")$/, (_all, json: string) => `: value was ${JSON.stringify(refusedUrl(JSON.parse(json) as string))}`)
            : match[2];
          problems.push(`${match[1]} (${sourceOf(match[1]!, env, options.file, fileObject, overrides)}): ${reason}`);
        } else {
          problems.push(line);
        }
      }
    }
  }
  if (problems.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', problems);
  const result = config.getProperties() as unknown as MtlsPopConfig;
  const cross = crossChecks(result);
  if (cross.length > 0) throw new ConfigError('ERR_CONFIG_INVALID', cross);
  return result;
}
