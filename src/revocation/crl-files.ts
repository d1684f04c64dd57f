import { open } from 'node:fs/promises';
import type { ClientCertificate } from '../certificate/model.js';
import { fileSignature } from '../lib/file-signature.js';
import type { Logger } from '../log.js';
import { miss, type RevocationAnswer } from './answer.js';
import { crlAnswer, crlDerList, crlIsFrom, crlScopeMismatch, parseCrl, type ParsedCrl } from './crl.js';

interface LoadedFile {
  readonly signature: string;
  readonly crls: readonly ParsedCrl[];
  /** Why the file could not be read or parsed; its issuers then get no answer (fail closed). */
  readonly error: string | undefined;
}

/**
 * CRLs from local files (PEM, one or more `X509 CRL` blocks, or DER), as `openssl ca -gencrl`
 * writes them. A file is re-read when its inode, size or mtime changes, checked at most every
 * `checkIntervalMs`; an atomic replace (write, then rename over) is picked up like an edit.
 */
export class CrlFileSource {
  readonly #files: readonly string[];
  readonly #checkIntervalMs: number;
  readonly #maxBytes: number;
  readonly #logger: Logger;
  readonly #loaded = new Map<string, LoadedFile>();
  #checkedAt = -Infinity;
  #refreshing: Promise<void> | undefined;
  /** Bumped on every reload, so that verdicts cached from an older file are not reused. */
  generation = 0;

  readonly #clockSkewMs: number;

  constructor(files: readonly string[], options: { checkIntervalMs: number; maxBytes: number; clockSkewMs: number; logger: Logger }) {
    this.#files = files;
    this.#clockSkewMs = options.clockSkewMs;
    this.#checkIntervalMs = options.checkIntervalMs;
    this.#maxBytes = options.maxBytes;
    this.#logger = options.logger;
  }

  /** Reads every file now; at start-up this makes a missing or broken file visible at once. */
  async load(): Promise<void> {
    await this.refresh(true);
  }

  /** Re-reads the files that changed, at most every `checkIntervalMs` unless forced; waits for a reload under way. */
  async refresh(force = false): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    const now = Date.now();
    if (!force && now - this.#checkedAt < this.#checkIntervalMs) return;
    this.#checkedAt = now;
    this.#refreshing ??= Promise.all(this.#files.map((file) => this.#reload(file))).then(() => undefined).finally(() => (this.#refreshing = undefined));
    await this.#refreshing;
  }

  async #reload(file: string): Promise<void> {
    const signature = await fileSignature(file);
    if (this.#loaded.get(file)?.signature === signature) return;
    let loaded: LoadedFile;
    try {
      const bytes = await this.#read(file);
      loaded = { signature, crls: await Promise.all(crlDerList(bytes).map((der) => parseCrl(der))), error: undefined };
      this.#logger.info({ event: 'crl_file_loaded', file, crls: loaded.crls.length, revoked: loaded.crls.reduce((sum, crl) => sum + crl.revoked.size, 0) }, 'CRL file loaded');
    } catch (error) {
      loaded = { signature, crls: [], error: (error as Error).message };
      this.#logger.error({ event: 'crl_file_unreadable', file, code: 'ERR_REVOCATION_UNKNOWN', reason: loaded.error }, 'CRL file unreadable: its issuers fail closed');
    }
    this.#loaded.set(file, loaded);
    this.generation++;
  }

  /** The file's bytes, refused before reading when it is over `maxCrlBytes` (and again if it grew while read). */
  async #read(file: string): Promise<Buffer> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > this.#maxBytes) throw new Error(`larger than maxCrlBytes (${size} > ${this.#maxBytes})`);
      const bytes = await handle.readFile();
      if (bytes.length > this.#maxBytes) throw new Error(`larger than maxCrlBytes (${bytes.length} > ${this.#maxBytes})`);
      return bytes;
    } finally {
      await handle.close();
    }
  }

  /**
   * The answer of the configured CRL files for `certificate` issued by `issuer`, or undefined when
   * no file holds a CRL of that issuer (and no file is broken).
   */
  async answer(certificate: ClientCertificate, issuer: ClientCertificate, now: number): Promise<RevocationAnswer | undefined> {
    await this.refresh();
    const broken: string[] = [];
    let best: { parsed: ParsedCrl; file: string } | undefined;
    let outOfScope: string | undefined;
    for (const file of this.#files) {
      const loaded = this.#loaded.get(file);
      if (!loaded || loaded.error) {
        broken.push(`${file}: ${loaded?.error ?? 'not loaded'}`);
        continue;
      }
      for (const parsed of loaded.crls) {
        if (!(await crlIsFrom(parsed, issuer))) continue;
        const mismatch = await crlScopeMismatch(parsed, certificate);
        if (mismatch) {
          outOfScope ??= `${file}: ${mismatch}`;
          continue;
        }
        // Several CRLs of one issuer: the most recent one speaks (RFC 5280 section 5.1.2.4, thisUpdate).
        if (!best || parsed.thisUpdate > best.parsed.thisUpdate) best = { parsed, file };
      }
    }
    if (best) return crlAnswer(best.parsed, certificate, now, `crl-file ${best.file}`, this.#clockSkewMs);
    if (broken.length) return miss('crl-file', `unreadable CRL file ${broken.join('; ')}`, true);
    if (outOfScope) return miss('crl-file', outOfScope);
    return undefined;
  }
}
