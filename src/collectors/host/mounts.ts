import path from 'node:path';
import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { HostFs, requireHostRoot } from './hostfs.js';

export type MountEntry = { mountPoint: string; source: string; fsType: string };

/** Undo mountinfo's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * Parse /proc/<pid>/mountinfo: `id parent major:minor root mountPoint options [optional...] - fsType source super`.
 * Malformed lines are skipped.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const fields = line.trim().split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 3) continue;
    mounts.push({
      mountPoint: unescapeMountField(fields[4] as string),
      source: unescapeMountField(fields[sep + 2] as string),
      fsType: unescapeMountField(fields[sep + 1] as string),
    });
  }
  return mounts;
}

function normalise(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

function contains(mountPoint: string, target: string): boolean {
  return mountPoint === '/' || target === mountPoint || target.startsWith(`${mountPoint}/`);
}

/** The longest mount point containing `target`, and whether `target` is itself a mount point. */
export function locateMount(
  mounts: readonly MountEntry[],
  target: string,
): { mountPoint: string | null; isMountPoint: boolean } {
  const t = normalise(target);
  let best: string | null = null;
  for (const m of mounts) {
    const mp = normalise(m.mountPoint);
    if (contains(mp, t) && (best === null || mp.length > best.length)) best = mp;
  }
  return { mountPoint: best, isMountPoint: best === t };
}

interface EngineFact {
  info?: { DockerRootDir?: JsonValue };
}
interface DaemonFact {
  effective?: Record<string, JsonValue>;
}

/** The data root: the engine's DockerRootDir, else the daemon's effective data-root, else the default. */
export function dataRootOf(engine: EngineFact | undefined, daemon: DaemonFact | undefined): string {
  const fromEngine = engine?.info?.DockerRootDir;
  if (typeof fromEngine === 'string' && fromEngine !== '') return fromEngine;
  const fromDaemon = daemon?.effective?.['data-root'];
  if (typeof fromDaemon === 'string' && fromDaemon !== '') return fromDaemon;
  return '/var/lib/docker';
}

/** `host.mounts`: the mount table and where Docker's data root lives in it. */
export const hostMountsCollector: Collector = {
  id: 'host.mounts',
  target: 'docker',
  description: 'Mount table (/proc/1/mountinfo) and whether the Docker data root is its own mount',
  dependsOn: ['docker.engine', 'host.daemon'],
  async collect(ctx, facts) {
    const hostFs = new HostFs(requireHostRoot(ctx));
    let source = '/proc/1/mountinfo';
    let text = await hostFs.readOptional(source).catch(() => undefined);
    if (!text) {
      source = '/proc/self/mountinfo';
      text = await hostFs.readOptional(source);
    }
    if (!text) throw new Error(`no mount table under ${hostFs.root}/proc (mount the host's /proc there)`);
    const mounts = parseMountinfo(text);
    const dataRoot = dataRootOf(
      facts['docker.engine'] as EngineFact | undefined,
      facts['host.daemon'] as DaemonFact | undefined,
    );
    // a symlinked data root (/var/lib/docker -> /srv/docker) lives where its target is
    const resolved = await hostFs.resolve(dataRoot).catch(() => dataRoot);
    const where = locateMount(mounts, resolved);
    const fact: Record<string, JsonValue> = {
      dataRoot,
      dataRootIsMountPoint: where.isMountPoint,
      mountPoint: where.mountPoint,
      source,
      mounts,
    };
    if (normalise(resolved) !== normalise(dataRoot)) fact.dataRootResolved = resolved;
    return fact;
  },
};
