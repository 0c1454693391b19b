import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export type FixtureEntry =
  | { content: string; mode?: number; uid?: number; gid?: number }
  | { dir: true; mode?: number; uid?: number; gid?: number }
  | { symlink: string };

export interface HostRootFixture {
  root: string;
  remove(): Promise<void>;
}

/** True when the test process may chown files to arbitrary ids. */
export const canChown = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Build a fake host root in a temp dir: `{ '/etc/passwd': { content }, '/var/run': { symlink: '/run' } }`.
 * Modes are applied with chmod after writing (so the umask does not interfere); uid/gid only when root.
 */
export async function makeHostRoot(entries: Record<string, FixtureEntry>): Promise<HostRootFixture> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'rampart-hostroot-'));
  // parents first, so explicit directory modes are not overwritten by later mkdir -p
  const ordered = Object.entries(entries).sort(([a], [b]) => a.split('/').length - b.split('/').length);
  for (const [hostPath, entry] of ordered) {
    const full = path.join(root, hostPath);
    await mkdir(path.dirname(full), { recursive: true });
    if ('symlink' in entry) {
      await symlink(entry.symlink, full);
      continue;
    }
    if ('dir' in entry) await mkdir(full, { recursive: true });
    else await writeFile(full, entry.content);
  }
  for (const [hostPath, entry] of ordered) {
    if ('symlink' in entry) continue;
    const full = path.join(root, hostPath);
    if (entry.mode !== undefined) await chmod(full, entry.mode);
    if (canChown && (entry.uid !== undefined || entry.gid !== undefined)) {
      await chown(full, entry.uid ?? 0, entry.gid ?? 0);
    }
  }
  return {
    root,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
