/** Writing the signing-key file: atomically, keeping its mode and owner, and one rotation at a time. */
import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';

/**
 * Write to a temporary file in the same folder, flush, rename over: readers see the old or the
 * new file, never half of one. A replaced file keeps its mode and owner (a key file shared by a
 * service's group stays readable by it). With `exclusive`, the file is only created: returns
 * false, writing nothing, when it exists already.
 */
export async function writeAtomically(file: string, text: string, options: { exclusive?: boolean } = {}): Promise<boolean> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    const existing = options.exclusive ? undefined : await stat(file).catch(() => undefined);
    if (existing) {
      await handle.chmod(existing.mode & 0o777);
      if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
        await handle.chown(existing.uid, existing.gid).catch(() => {
          throw new Error(`cannot keep the owner of ${file} (uid ${existing.uid}); rotate it as that user`);
        });
      }
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    if (options.exclusive) {
      // link() fails with EEXIST instead of replacing: the first writer wins.
      try {
        await link(temporary, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
      return true;
    }
    await rename(temporary, file);
    return true;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/** Takes `lock` (created exclusively), waiting up to 10 s; a lock older than 30 s is stale. */
export async function lockFile(lock: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const handle = await open(lock, 'wx', 0o600);
      await handle.close();
      return () => unlink(lock).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > 30_000) await unlink(lock).catch(() => undefined);
      else if (Date.now() > deadline) throw new Error(`another rotation holds ${lock}; try again`);
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
