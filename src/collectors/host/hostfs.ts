import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CollectorUnavailable, type CollectContext } from '../types.js';

export const REMOTE_ENGINE_REASON = 'engine is remote; run Rampart on the engine host or pass --host-root';

/** The host root from the context, or CollectorUnavailable with the documented reason. */
export function requireHostRoot(ctx: CollectContext): string {
  if (ctx.hostRoot === undefined || ctx.hostRoot === '') throw new CollectorUnavailable(REMOTE_ENGINE_REASON);
  return path.resolve(ctx.hostRoot);
}

/** `code: message` for a filesystem error, e.g. `EACCES: permission denied`. */
export function fsErrorReason(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err?.code) {
    const plain = String(err.message ?? '')
      .replace(/^[A-Z]+: /, '')
      .replace(/, \w+ '.*'$/, '');
    return `${err.code}: ${plain}`;
  }
  return String((error as Error)?.message ?? error);
}

export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function split(p: string): string[] {
  return p.split('/').filter((part) => part !== '' && part !== '.');
}

/**
 * Read-only view of a host filesystem mounted at `root`. Paths are host paths ("/etc/docker");
 * symbolic links are resolved inside the root (an absolute link target is taken relative to the
 * root, `..` never climbs above it), so a host mounted at /host with /var/run -> /run reads
 * /host/run/docker.sock, not the scanner's own /run.
 */
export class HostFs {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Scanner path for a host path without resolving links. */
  raw(hostPath: string): string {
    return path.join(this.root, ...split(path.posix.resolve('/', hostPath)));
  }

  /**
   * Resolve links in `hostPath` within the root and return the resulting host path
   * (always absolute, as seen from the host). Missing components are kept as they are.
   */
  async resolve(hostPath: string, followFinal = true): Promise<string> {
    let pending = split(hostPath);
    let resolved: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const candidate = [...resolved, part];
      if (pending.length === 0 && !followFinal) {
        resolved = candidate;
        break;
      }
      let st: Stats;
      try {
        st = await fs.lstat(path.join(this.root, ...candidate));
      } catch {
        resolved = [...candidate, ...pending];
        break;
      }
      if (!st.isSymbolicLink()) {
        resolved = candidate;
        continue;
      }
      if (++links > 40) {
        const err: NodeJS.ErrnoException = new Error(`too many levels of symbolic links: ${hostPath}`);
        err.code = 'ELOOP';
        throw err;
      }
      const target = await fs.readlink(path.join(this.root, ...candidate));
      if (target.startsWith('/')) resolved = [];
      pending = [...split(target), ...pending];
    }
    return '/' + resolved.join('/');
  }

  /** Scanner path for a host path, links resolved within the root. */
  async real(hostPath: string, followFinal = true): Promise<string> {
    return this.raw(await this.resolve(hostPath, followFinal));
  }

  async lstat(hostPath: string): Promise<Stats> {
    return fs.lstat(await this.real(hostPath, false));
  }

  async stat(hostPath: string): Promise<Stats> {
    return fs.stat(await this.real(hostPath, true));
  }

  async readText(hostPath: string): Promise<string> {
    return fs.readFile(await this.real(hostPath), 'utf8');
  }

  /** File content, or undefined when it does not exist. Other errors are thrown. */
  async readOptional(hostPath: string): Promise<string | undefined> {
    try {
      return await this.readText(hostPath);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Directory entries (sorted), or [] when the directory does not exist. */
  async list(hostPath: string): Promise<string[]> {
    try {
      return (await fs.readdir(await this.real(hostPath))).sort();
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }
}

export interface Accounts {
  /** uid -> user name */
  users: Map<number, string>;
  /** user name -> primary gid */
  primaryGid: Map<string, number>;
  /** gid -> group */
  groups: Map<number, { name: string; members: string[] }>;
}

/** Parse /etc/passwd and /etc/group text. Malformed lines are skipped. */
export function parseAccounts(passwd: string, group: string): Accounts {
  const users = new Map<number, string>();
  const primaryGid = new Map<string, number>();
  for (const line of passwd.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length < 4) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    const name = fields[0] as string;
    if (!Number.isInteger(uid) || fields[2] === '') continue;
    if (!users.has(uid)) users.set(uid, name);
    if (Number.isInteger(gid) && fields[3] !== '') primaryGid.set(name, gid);
  }
  const groups = new Map<number, { name: string; members: string[] }>();
  for (const line of group.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const fields = line.split(':');
    if (fields.length < 3) continue;
    const gid = Number(fields[2]);
    if (!Number.isInteger(gid) || fields[2] === '' || groups.has(gid)) continue;
    const members = (fields[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean);
    groups.set(gid, { name: fields[0] as string, members });
  }
  return { users, primaryGid, groups };
}

/** Accounts of the host under `hostFs` (empty maps when the files are missing). */
export async function readAccounts(hostFs: HostFs): Promise<Accounts> {
  const [passwd, group] = await Promise.all([
    hostFs.readOptional('/etc/passwd').catch(() => undefined),
    hostFs.readOptional('/etc/group').catch(() => undefined),
  ]);
  return parseAccounts(passwd ?? '', group ?? '');
}

/** Permission bits (including setuid/setgid/sticky) as a 4-digit octal string: 0o644 -> "0644". */
export function modeString(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export type FileType = 'file' | 'directory' | 'socket' | 'symlink' | 'other';

export function fileType(st: Stats): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSocket()) return 'socket';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}
