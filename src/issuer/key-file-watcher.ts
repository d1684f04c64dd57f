import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileSignature as signature } from '../lib/file-signature.js';

/** How a key file is watched. */
export interface KeyFileWatchOptions {
  /** Quiet time after the last change event before `onChange` runs, in milliseconds. Default 100. */
  debounceMs?: number;
  /** Interval of the fallback `stat` poll, in milliseconds (fs events are missed on some file systems). Default 2000. */
  pollMs?: number;
}

export const WATCH_DEFAULTS = Object.freeze({ debounceMs: 100, pollMs: 2_000 });

/** A running watch; `close()` stops events, the poll and any pending call. */
export interface KeyFileWatch {
  close(): void;
}

/**
 * Calls `onChange` (debounced) when `file` may have changed. Watches the folder, not the file:
 * an atomic replace (write a temporary file, rename it over) swaps the inode a file watch
 * would stay attached to. A `stat` poll catches what fs events miss (network file systems).
 * `events: false` leaves the poll alone (tests of the fallback).
 */
export function watchKeyFile(file: string, onChange: () => void, options: KeyFileWatchOptions & { events?: boolean } = {}): KeyFileWatch {
  const debounceMs = options.debounceMs ?? WATCH_DEFAULTS.debounceMs;
  const pollMs = options.pollMs ?? WATCH_DEFAULTS.pollMs;
  const name = basename(file);
  let closed = false;
  let pending: NodeJS.Timeout | undefined;
  let last: string | undefined;
  void signature(file).then((value) => (last ??= value));

  const schedule = (): void => {
    if (closed) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      if (!closed) onChange();
    }, debounceMs);
    pending.unref();
  };

  let watcher: FSWatcher | undefined;
  if (options.events !== false) {
    try {
      watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) schedule();
      });
      // A folder that vanishes or a watcher limit reached: the poll still runs.
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined;
    }
  }

  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    void signature(file).then((value) => {
      polling = false;
      if (last !== undefined && value !== last) schedule();
      last = value;
    });
  }, pollMs);
  poll.unref();

  return {
    close() {
      closed = true;
      watcher?.close();
      clearInterval(poll);
      if (pending) clearTimeout(pending);
    },
  };
}
