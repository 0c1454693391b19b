/**
 * A private Docker engine for integration tests and benchmarks.
 *
 * `startDockerd()` runs `dockerd` on a unix socket in a fresh temp dir with its own data root, exec root
 * (and so its own managed containerd), no iptables and no default bridge, so it never touches the host's
 * engine or firewall. The HARNESS may mutate this private engine (import images, create containers);
 * Rampart's collectors never do (see test/integration/readonly.test.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  closeSync,
  readdirSync,
} from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { connectDocker } from '../../src/collectors/docker/connection.js';
import { mapLimit } from '../../src/collectors/concurrency.js';

export interface DockerdOptions {
  /** Extra dockerd flags, e.g. ['--icc=false', '--live-restore']. */
  args?: string[];
  /** Written to <dir>/daemon.json and passed with --config-file. */
  daemonJson?: Record<string, unknown>;
  /** How long to wait for the engine to answer /_ping (default 30 s). */
  startTimeoutMs?: number;
}

export interface PrivateDockerd {
  dir: string;
  socket: string;
  address: string;
  dataRoot: string;
  execRoot: string;
  pidFile: string;
  /** --config-file path, when daemonJson was given. */
  configFile?: string;
  pid: number;
  /** The full dockerd argument vector (without argv[0]). */
  args: string[];
  /** A client for the harness itself (it may mutate the private engine). */
  docker: Docker;
  /** dockerd's log so far. */
  log(): Promise<string>;
  /** Kill running containers, stop dockerd (and its containerd), unmount leftovers, remove the temp dir. */
  stop(): Promise<void>;
}

export interface Availability {
  ok: boolean;
  reason: string;
}

function findInPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = path.join(dir || '.', binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  for (const dir of ['/usr/sbin', '/sbin', '/usr/local/sbin']) {
    const candidate = path.join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** True when `file` is an ELF executable without a program interpreter (statically linked). */
function isStaticElf(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2) return false; // ELF64 only
    const phoff = Number(head.readBigUInt64LE(32));
    const phentsize = head.readUInt16LE(54);
    const phnum = head.readUInt16LE(56);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    closeSync(fd);
  }
}

const BUSYBOX_CANDIDATES = ['/bin/busybox', '/usr/bin/busybox', '/usr/lib/busybox-static/busybox'];

export function findStaticBusybox(): string | undefined {
  return BUSYBOX_CANDIDATES.find((p) => {
    try {
      return isStaticElf(p);
    } catch {
      return false;
    }
  });
}

/** Whether a private dockerd can be started here (Linux, root, dockerd and a static busybox installed). */
export function dockerAvailable(): Availability {
  if (process.platform !== 'linux')
    return { ok: false, reason: `a private dockerd needs Linux (this is ${process.platform})` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'a private dockerd needs root (run the integration tests as root)' };
  }
  if (!findInPath('dockerd'))
    return { ok: false, reason: 'dockerd is not installed (apt-get install docker.io)' };
  if (!findStaticBusybox()) {
    return { ok: false, reason: 'no static busybox for the test image (apt-get install busybox-static)' };
  }
  return { ok: true, reason: 'dockerd available' };
}

/**
 * Call from a mocha `before` hook: skips the suite with a reason when no private dockerd can run,
 * or fails it when RAMPART_REQUIRE_INTEGRATION=1.
 */
export function requireDockerd(ctx: Mocha.Context, availability: Availability = dockerAvailable()): void {
  if (availability.ok) return;
  skipOrFail(ctx, availability.reason);
}

export function skipOrFail(ctx: Mocha.Context, reason: string): never {
  if (process.env.RAMPART_REQUIRE_INTEGRATION === '1') {
    throw new Error(`integration tests are required (RAMPART_REQUIRE_INTEGRATION=1) but ${reason}`);
  }
  console.warn(`      skipped: ${reason}`);
  ctx.skip();
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGTERM');
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForPing(
  docker: Docker,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(
        `dockerd exited (${child.exitCode ?? child.signalCode}):\n${log.split('\n').slice(-15).join('\n')}`,
      );
    }
    try {
      await docker.ping();
      return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(100);
  }
  const log = await readFile(logFile, 'utf8').catch(() => '');
  throw new Error(
    `dockerd did not answer within ${timeoutMs} ms (${lastError}):\n${log.split('\n').slice(-15).join('\n')}`,
  );
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve) => execFile(cmd, args, { timeout: 10_000 }, () => resolve()));
}

/** Processes whose command line mentions `dir` (managed containerd, shims), for last-resort cleanup. */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(dir)) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids;
}

/** Mount points at or below `dir` in this process's mount namespace, deepest first. */
function mountsUnder(dir: string): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Start a private dockerd. Always call `stop()` (in mocha: in `after`). */
export async function startDockerd(opts: DockerdOptions = {}): Promise<PrivateDockerd> {
  const availability = dockerAvailable();
  if (!availability.ok) throw new Error(availability.reason);
  // short path: unix socket paths (incl. containerd's under the exec root) are limited to ~108 bytes
  const dir = await mkdtemp('/tmp/rd-');
  const socket = path.join(dir, 'd.sock');
  const dataRoot = path.join(dir, 'root');
  const execRoot = path.join(dir, 'x');
  const pidFile = path.join(dir, 'pid');
  const logFile = path.join(dir, 'dockerd.log');
  const args = [
    '--host',
    `unix://${socket}`,
    '--data-root',
    dataRoot,
    '--exec-root',
    execRoot,
    '--pidfile',
    pidFile,
    '--iptables=false',
    '--ip-masq=false',
    '--bridge=none',
    '--storage-driver=vfs',
    '--shutdown-timeout=2',
  ];
  let configFile: string | undefined;
  if (opts.daemonJson) {
    configFile = path.join(dir, 'daemon.json');
    await writeFile(configFile, JSON.stringify(opts.daemonJson, null, 2));
    args.push('--config-file', configFile);
  }
  args.push(...(opts.args ?? []));

  const logFd = openSync(logFile, 'a');
  const child = spawn(findInPath('dockerd') as string, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const { docker, address } = connectDocker({ host: `unix://${socket}`, env: {} });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      if (child.exitCode === null && child.signalCode === null) {
        // running containers first: with --live-restore dockerd would leave them behind
        const running = await docker.listContainers({ all: false }).catch(() => []);
        await mapLimit(running, 16, (c) =>
          docker
            .getContainer(c.Id)
            .kill()
            .catch(() => undefined),
        );
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    } finally {
      live.delete(child);
      for (const pid of processesUnder(dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (const mount of mountsUnder(dir)) await run('umount', ['-l', mount]);
      await rm(dir, { recursive: true, force: true }).catch(async () => {
        await sleep(500);
        await rm(dir, { recursive: true, force: true });
      });
    }
  };

  try {
    await waitForPing(docker, child, logFile, opts.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dir,
    socket,
    address,
    dataRoot,
    execRoot,
    pidFile,
    configFile,
    pid: child.pid as number,
    args,
    docker,
    log: () => readFile(logFile, 'utf8'),
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Test image: a busybox-static root filesystem imported with POST /images/create?fromSrc=-
// ---------------------------------------------------------------------------------------------

type TarEntry =
  | { name: string; type: 'dir'; mode: number }
  | { name: string; type: 'file'; mode: number; data: Buffer }
  | { name: string; type: 'symlink'; target: string };

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function tarHeader(name: string, mode: number, size: number, type: string, linkname = ''): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 8, 'ascii');
  h.write(octal(0, 8), 108, 8, 'ascii');
  h.write(octal(0, 8), 116, 8, 'ascii');
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write(type, 156, 1, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write('root', 265, 32, 'ascii');
  h.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** A minimal ustar archive (directories, regular files, symbolic links). */
export function makeTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.type === 'dir') parts.push(tarHeader(e.name.endsWith('/') ? e.name : `${e.name}/`, e.mode, 0, '5'));
    else if (e.type === 'symlink') parts.push(tarHeader(e.name, 0o777, 0, '2', e.target));
    else {
      parts.push(tarHeader(e.name, e.mode, e.data.length, '0'), e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad, 0));
    }
  }
  parts.push(Buffer.alloc(1024, 0));
  return Buffer.concat(parts);
}

/** The fake sshd: a shell script, so `top` shows `/bin/sh /usr/sbin/sshd -D`. */
const FAKE_SSHD =
  '#!/bin/sh\n# stand-in for sshd in Rampart tests: just waits\nwhile :; do sleep 100000; done\n';

export function busyboxRootfs(): Buffer {
  const busybox = findStaticBusybox();
  if (!busybox) throw new Error('no static busybox');
  const applets = [
    'sh',
    'sleep',
    'ps',
    'cat',
    'ls',
    'true',
    'false',
    'echo',
    'id',
    'env',
    'top',
    'wget',
    'nc',
  ];
  return makeTar([
    { name: 'bin', type: 'dir', mode: 0o755 },
    { name: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(busybox) },
    ...applets.map((a) => ({ name: `bin/${a}`, type: 'symlink' as const, target: 'busybox' })),
    { name: 'usr', type: 'dir', mode: 0o755 },
    { name: 'usr/sbin', type: 'dir', mode: 0o755 },
    { name: 'usr/sbin/sshd', type: 'file', mode: 0o755, data: Buffer.from(FAKE_SSHD) },
    { name: 'etc', type: 'dir', mode: 0o755 },
    {
      name: 'etc/passwd',
      type: 'file',
      mode: 0o644,
      data: Buffer.from('root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n'),
    },
    { name: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from('root:x:0:\napp:x:1000:\n') },
    { name: 'tmp', type: 'dir', mode: 0o1777 },
    { name: 'root', type: 'dir', mode: 0o700 },
  ]);
}

export interface ImageOptions {
  /** `repo:tag`; omit for an untagged image. */
  tag?: string;
  /** Dockerfile instructions applied on import, e.g. ['ENV A=b', 'CMD ["sleep","1000"]']. */
  changes?: string[];
}

/** Import the busybox rootfs as an image; returns the image id. */
export async function importTestImage(docker: Docker, opts: ImageOptions = {}): Promise<string> {
  const query: Record<string, string | string[]> = {};
  if (opts.tag) {
    const colon = opts.tag.lastIndexOf(':');
    query.repo = colon > 0 ? opts.tag.slice(0, colon) : opts.tag;
    query.tag = colon > 0 ? opts.tag.slice(colon + 1) : 'latest';
  }
  if (opts.changes?.length) query.changes = opts.changes;
  const stream = (await docker.importImage(Readable.from([busyboxRootfs()]), query)) as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  let id = '';
  for (const line of Buffer.concat(chunks).toString('utf8').split(/\r?\n/)) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { status?: string; error?: string; errorDetail?: { message?: string } };
    if (msg.error || msg.errorDetail)
      throw new Error(`import failed: ${msg.error ?? msg.errorDetail?.message}`);
    if (msg.status?.startsWith('sha256:')) id = msg.status;
  }
  if (!id) throw new Error('import returned no image id');
  return id;
}

export interface CreatedContainer {
  id: string;
  name: string;
  started: boolean;
  startError?: string;
}

/** Create (and optionally start) a container. A failed start is reported, not thrown. */
export async function createContainer(
  docker: Docker,
  spec: Docker.ContainerCreateOptions & { name: string },
  start: boolean,
): Promise<CreatedContainer> {
  const container = await docker.createContainer(spec);
  if (!start) return { id: container.id, name: spec.name, started: false };
  try {
    await container.start();
    return { id: container.id, name: spec.name, started: true };
  } catch (error) {
    return { id: container.id, name: spec.name, started: false, startError: (error as Error).message };
  }
}

/**
 * Create a bridge network with a random 10.2xx.y.0/24 subnet, so private engines started concurrently (other
 * test files, other checkouts) do not race for the same default subnet on the shared host.
 */
export async function createBridgeNetwork(docker: Docker, name: string): Promise<string> {
  const a = 200 + Math.floor(Math.random() * 50);
  const b = Math.floor(Math.random() * 256);
  const network = await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    IPAM: { Driver: 'default', Config: [{ Subnet: `10.${a}.${b}.0/24` }] },
  });
  return network.id;
}
