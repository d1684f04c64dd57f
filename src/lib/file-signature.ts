import { stat } from 'node:fs/promises';

/**
 * Identity of a file as `stat` sees it: a rename over it changes the inode, an edit the size or
 * mtime. A missing or unreadable file gets a signature of its own (`missing:<code>`).
 */
export async function fileSignature(file: string): Promise<string> {
  try {
    const info = await stat(file, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}`;
  } catch (error) {
    return `missing:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}
