import fs from 'node:fs/promises';
import path from 'node:path';
import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { DEFAULT_DAEMON_JSON } from './daemon.js';
import { dataRootOf } from './mounts.js';
import {
  HostFs,
  fileType,
  fsErrorReason,
  isNotFound,
  modeString,
  readAccounts,
  requireHostRoot,
  type Accounts,
} from './hostfs.js';

export type FileFact = {
  role: string;
  path: string;
  exists: boolean | null;
  type?: string;
  mode?: string;
  uid?: number;
  gid?: number;
  user?: string;
  group?: string;
  owner?: string;
  /** Where a symbolic link led (host path); mode and owner are the target's. */
  linkTarget?: string;
  /** Candidate paths searched when none exists. */
  searched?: string[];
  error?: string;
};

const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** Where packages (/usr/bin, /usr/sbin: Debian's docker.io puts dockerd and runc there) and static installs put binaries. */
export const BINARY_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];

/** The engine's binaries: role -> executable name. dockerd comes first: its path may come from the process. */
export const BINARY_ROLES: readonly (readonly [role: string, name: string])[] = [
  ['dockerd-binary', 'dockerd'],
  ['containerd-binary', 'containerd'],
  ['containerd-shim-binary', 'containerd-shim'],
  ['containerd-shim-runc-v1-binary', 'containerd-shim-runc-v1'],
  ['containerd-shim-runc-v2-binary', 'containerd-shim-runc-v2'],
  ['runc-binary', 'runc'],
];

/**
 * lstat + stat one host path: type, permission bits, owner resolved through the host's accounts.
 * A symbolic link is followed inside the host root (its target's mode and owner are reported, with
 * `linkTarget`); a dangling link is reported as `type: "symlink"`.
 */
export async function statFile(
  hostFs: HostFs,
  accounts: Accounts,
  role: string,
  file: string,
): Promise<FileFact> {
  const fact: FileFact = { role, path: file, exists: false };
  let st;
  try {
    st = await hostFs.lstat(file);
  } catch (error) {
    if (isNotFound(error)) return fact;
    return { ...fact, exists: null, error: fsErrorReason(error) };
  }
  fact.exists = true;
  if (st.isSymbolicLink()) {
    try {
      const target = await hostFs.resolve(file, true);
      const followed = await hostFs.stat(file);
      fact.linkTarget = target;
      st = followed;
    } catch (error) {
      if (!isNotFound(error)) fact.error = fsErrorReason(error);
      try {
        fact.linkTarget = await hostFs.resolve(file, true);
      } catch {
        // too many links: keep the error above
      }
    }
  }
  const user = accounts.users.get(st.uid) ?? String(st.uid);
  const group = accounts.groups.get(st.gid)?.name ?? String(st.gid);
  Object.assign(fact, {
    type: fileType(st),
    mode: modeString(st.mode),
    uid: st.uid,
    gid: st.gid,
    user,
    group,
    owner: `${user}:${group}`,
  });
  return fact;
}

async function firstExisting(hostFs: HostFs, candidates: string[]): Promise<string | undefined> {
  for (const c of candidates) {
    try {
      await hostFs.lstat(c);
      return c;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

function stringValue(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Unix socket paths dockerd listens on, from its effective `hosts` (default /var/run/docker.sock). */
export function unixSockets(effective: Record<string, JsonValue>): string[] {
  const hosts = effective.hosts;
  const list = Array.isArray(hosts) ? hosts.map(String) : typeof hosts === 'string' ? [hosts] : [];
  const paths = new Set<string>();
  let systemd = list.length === 0;
  for (const h of list) {
    if (h.startsWith('unix://')) paths.add(h.slice('unix://'.length) || '/var/run/docker.sock');
    else if (h.startsWith('/')) paths.add(h);
    else if (h.startsWith('fd://')) systemd = true;
  }
  if (systemd) paths.add('/var/run/docker.sock');
  return [...paths];
}

interface DaemonFact {
  pid?: JsonValue;
  configFile?: { path?: string };
  effective?: Record<string, JsonValue>;
}

interface EngineFact {
  info?: { DockerRootDir?: JsonValue };
}

/**
 * The host path of a running process's executable: the target of <host root>/proc/<pid>/exe, without the
 * " (deleted)" the kernel appends when the file was replaced since (a package upgrade without a restart).
 * Undefined when the link cannot be read (process gone, no permission, host root without /proc).
 */
export async function processExecutable(hostFs: HostFs, pid: number): Promise<string | undefined> {
  try {
    const target = await fs.readlink(hostFs.raw(`/proc/${pid}/exe`));
    const file = target.replace(/ \(deleted\)$/, '');
    return file ? path.posix.resolve(`/proc/${pid}`, file) : undefined;
  } catch {
    return undefined;
  }
}

/** The role -> path list host.files checks, given host.daemon's (and docker.engine's) facts. */
export async function plannedFiles(
  hostFs: HostFs,
  daemon: DaemonFact | undefined,
  engine?: EngineFact,
): Promise<{ role: string; path: string; searched?: string[] }[]> {
  const effective = daemon?.effective ?? {};
  const planned: { role: string; path: string; searched?: string[] }[] = [];
  for (const unit of ['docker.service', 'docker.socket']) {
    const candidates = UNIT_DIRS.map((d) => `${d}/${unit}`);
    const found = await firstExisting(hostFs, candidates);
    if (found) planned.push({ role: unit, path: found });
    else planned.push({ role: unit, path: candidates[0] as string, searched: candidates });
  }
  planned.push({ role: 'etc-docker', path: '/etc/docker' });
  for (const registry of await hostFs.list('/etc/docker/certs.d')) {
    const dir = `/etc/docker/certs.d/${registry}`;
    for (const name of await hostFs.list(dir).catch(() => [])) {
      planned.push({ role: 'registry-cert', path: `${dir}/${name}` });
    }
  }
  const tls = effective.tls === true || effective.tlsverify === true;
  for (const [role, key, fallback] of [
    ['tls-ca', 'tlscacert', 'ca.pem'],
    ['tls-cert', 'tlscert', 'cert.pem'],
    ['tls-key', 'tlskey', 'key.pem'],
  ] as const) {
    const file = stringValue(effective[key]);
    // dockerd's defaults apply when TLS is on without explicit paths
    if (file) planned.push({ role, path: path.posix.resolve('/', file) });
    else if (tls) planned.push({ role, path: `/root/.docker/${fallback}` });
  }
  for (const sock of unixSockets(effective)) planned.push({ role: 'docker.sock', path: sock });
  planned.push({ role: 'daemon.json', path: daemon?.configFile?.path ?? DEFAULT_DAEMON_JSON });
  planned.push({ role: 'etc-default-docker', path: '/etc/default/docker' });
  planned.push({ role: 'etc-sysconfig-docker', path: '/etc/sysconfig/docker' });
  planned.push({ role: 'containerd.sock', path: '/run/containerd/containerd.sock' });
  planned.push({ role: 'containerd-config', path: '/etc/containerd/config.toml' });
  const pid = typeof daemon?.pid === 'number' ? daemon.pid : undefined;
  for (const [role, name] of BINARY_ROLES) {
    // the running daemon's own executable is the one that matters, wherever it was installed
    const running =
      role === 'dockerd-binary' && pid !== undefined ? await processExecutable(hostFs, pid) : undefined;
    if (running) {
      planned.push({ role, path: running });
      continue;
    }
    const candidates = BINARY_DIRS.map((d) => `${d}/${name}`);
    const found = await firstExisting(hostFs, candidates);
    if (found) planned.push({ role, path: found });
    else planned.push({ role, path: candidates[0] as string, searched: candidates });
  }
  planned.push({ role: 'run-containerd', path: '/run/containerd' });
  planned.push({ role: 'var-lib-docker', path: path.posix.resolve('/', dataRootOf(engine, daemon)) });
  return planned;
}

/** `host.files`: type, mode and owner of the Docker-related files of the host (see docs/facts.md). */
export const hostFilesCollector: Collector = {
  id: 'host.files',
  target: 'docker',
  description: 'Docker-related files on the host: type, mode, owner',
  dependsOn: ['docker.engine', 'host.daemon'],
  async collect(ctx, facts) {
    const hostFs = new HostFs(requireHostRoot(ctx));
    const accounts = await readAccounts(hostFs);
    const planned = await plannedFiles(
      hostFs,
      facts['host.daemon'] as DaemonFact | undefined,
      facts['docker.engine'] as EngineFact | undefined,
    );
    const out = await Promise.all(
      planned.map(async (p) => {
        const fact = await statFile(hostFs, accounts, p.role, p.path);
        if (p.searched && fact.exists === false) fact.searched = p.searched;
        return fact;
      }),
    );
    return out as JsonValue;
  },
};
