import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Why a database file could not be opened or written, in words an operator can act on. The codes
 * come from the file system (errno) and from SQLite; anything else keeps the driver's message.
 */
const causes: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of the path is a file, not a folder',
  EEXIST: 'a parent of the path is a file, not a folder',
  ENOENT: 'a folder on the path does not exist and cannot be created',
  ENOSPC: 'disk full',
  SQLITE_FULL: 'disk full',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_READONLY: 'the database file or its folder is read-only',
  SQLITE_READONLY_DBMOVED: 'the database file was moved or deleted while open',
  SQLITE_CANTOPEN: 'the file cannot be opened (missing folder, a file in the way, or no permission)',
  SQLITE_IOERR: 'an input/output error on the disk',
};

/** The error code of a file-system or SQLite error (extended SQLite codes fall back to their base). */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  if (code in causes) return code;
  const base = code.match(/^(SQLITE_[A-Z]+?)(_[A-Z]+)*$/)?.[1];
  return base && base in causes ? base : undefined;
}

/** Whether the error is the file system or SQLite refusing the file (not a bug in a query). */
export function isStorageError(error: unknown): boolean {
  return codeOf(error) !== undefined;
}

export function describeStorageCause(error: unknown): string {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${causes[code]} (${message})` : message;
}

/**
 * What the file system says about the path when SQLite only says it "cannot open" it: the nearest
 * existing part of the path is a file where a folder should be, or it cannot be written (a
 * read-only mount, no permission). Undefined when the path looks usable.
 */
function fileSystemCause(path: string): string | undefined {
  let existing = path;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (existing !== path && !statSync(existing).isDirectory()) return causes.ENOTDIR;
  try {
    accessSync(existing, constants.W_OK);
    if (existing === path) accessSync(dirname(path), constants.W_OK);
    return undefined;
  } catch (error) {
    const code = codeOf(error);
    return code ? causes[code] : undefined;
  }
}

/** The database named by DATABASE_URL cannot be opened or written: one line, exit code 2. */
export class DatabaseOpenError extends Error {
  readonly exitCode = 2;
  constructor(path: string, error: unknown) {
    const code = codeOf(error);
    const vague =
      code === undefined || ['ENOENT', 'EEXIST', 'SQLITE_CANTOPEN', 'SQLITE_READONLY'].includes(code);
    const found = vague && path !== ':memory:' ? fileSystemCause(path) : undefined;
    const message = error instanceof Error ? error.message : String(error);
    const cause = found ? `${found} (${message})` : describeStorageCause(error);
    super(`DATABASE_URL points at ${path}, which cannot be used: ${cause}`, { cause: error });
    this.name = 'DatabaseOpenError';
  }
}
