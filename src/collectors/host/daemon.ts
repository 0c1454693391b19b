import path from 'node:path';
import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { mergeEffective, parseDockerdArgs, type FlagValue } from './dockerd-flags.js';
import { HostFs, fsErrorReason, isNotFound, requireHostRoot } from './hostfs.js';

export const DEFAULT_DAEMON_JSON = '/etc/docker/daemon.json';

/** `scheme://user:secret@host` -> `scheme://<redacted>@host` (proxy settings may carry credentials). */
export function redactUrlCredentials(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1<redacted>@');
}

function redactDeep(value: JsonValue): JsonValue {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out;
  }
  return value;
}

export interface DockerdProcess {
  pid: number;
  cmdline: string[];
}

/** Every process under `<root>/proc` whose argv[0] has the basename `dockerd`, lowest pid first. */
export async function findDockerdProcesses(hostFs: HostFs): Promise<DockerdProcess[]> {
  const entries = await hostFs.list('/proc');
  const found: DockerdProcess[] = [];
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        let raw: string;
        try {
          raw = await hostFs.readText(`/proc/${name}/cmdline`);
        } catch {
          return; // exited meanwhile, or not readable
        }
        const argv = raw.split('\0');
        if (argv.length > 0 && argv[argv.length - 1] === '') argv.pop();
        if (argv.length === 0 || path.posix.basename(argv[0] as string) !== 'dockerd') return;
        found.push({ pid: Number(name), cmdline: argv });
      }),
  );
  return found.sort((a, b) => a.pid - b.pid);
}

export interface ConfigFileFact {
  path: string;
  exists: boolean;
  /** Parsed daemon.json (credentials in URLs redacted); null when absent or invalid. */
  content: Record<string, JsonValue> | null;
  error?: string;
}

export async function readDaemonConfig(hostFs: HostFs, file: string): Promise<ConfigFileFact> {
  const fact: ConfigFileFact = { path: file, exists: false, content: null };
  let text: string;
  try {
    text = await hostFs.readText(path.posix.resolve('/', file));
  } catch (error) {
    if (isNotFound(error)) return fact;
    return { ...fact, exists: true, error: fsErrorReason(error) };
  }
  fact.exists = true;
  if (text.trim() === '') return { ...fact, content: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ...fact, error: 'invalid daemon.json: the top level is not a JSON object' };
    }
    fact.content = redactDeep(parsed as JsonValue) as Record<string, JsonValue>;
  } catch (error) {
    fact.error = `invalid JSON: ${(error as Error).message}`;
  }
  return fact;
}

/** Normalise a daemon listen address for comparison with the engine address Rampart connects to. */
function normaliseHost(value: string): string {
  if (value.startsWith('/')) return `unix://${value}`;
  if (value === 'unix://' || value.startsWith('fd://')) return 'unix:///var/run/docker.sock';
  return value.replace(/^unix:\/\/\/run\//, 'unix:///var/run/').replace(/\/+$/, '');
}

function hostsOf(effective: Record<string, JsonValue>): string[] {
  const hosts = effective.hosts;
  const list = Array.isArray(hosts) ? hosts.map(String) : typeof hosts === 'string' ? [hosts] : [];
  return list.length > 0 ? list : ['unix:///var/run/docker.sock'];
}

/** Whether a daemon listening on `hosts` is the one at `address` (as given to Rampart). */
export function daemonServes(hosts: string[], address: string | undefined): boolean {
  if (!address) return false;
  const want = normaliseHost(address);
  return hosts.some((h) => {
    const have = normaliseHost(h);
    if (have === want) return true;
    // tcp://0.0.0.0:2376 serves tcp://anything:2376
    const port = /^tcp:\/\/[^/]*:(\d+)$/;
    const a = port.exec(have);
    const b = port.exec(want);
    return !!a && !!b && a[1] === b[1] && /^tcp:\/\/(0\.0\.0\.0|\[?::\]?|):/.test(have);
  });
}

interface Analysed {
  proc: DockerdProcess;
  flags: Record<string, FlagValue>;
  unknownFlags: string[];
  configFile: ConfigFileFact;
  effective: Record<string, JsonValue>;
  sources: Record<string, 'flag' | 'daemon.json'>;
}

async function analyse(hostFs: HostFs, proc: DockerdProcess): Promise<Analysed> {
  const parsed = parseDockerdArgs(proc.cmdline.slice(1));
  const flags: Record<string, FlagValue> = {};
  for (const [k, v] of Object.entries(parsed.flags)) {
    flags[k] = Array.isArray(v)
      ? v.map((x) => (typeof x === 'string' ? redactUrlCredentials(x) : x))
      : typeof v === 'string'
        ? redactUrlCredentials(v)
        : v;
  }
  const cf = flags['config-file'];
  const configPath = String((Array.isArray(cf) ? cf[cf.length - 1] : cf) ?? DEFAULT_DAEMON_JSON);
  const configFile = await readDaemonConfig(hostFs, configPath);
  const { effective, sources } = mergeEffective(flags, configFile.content);
  return {
    proc: { pid: proc.pid, cmdline: proc.cmdline.map(redactUrlCredentials) },
    flags,
    unknownFlags: parsed.unknown,
    configFile,
    effective,
    sources,
  };
}

/** Analyse the host root: the dockerd Rampart talks to (by address), else the lowest pid, else daemon.json only. */
export async function collectDaemon(hostFs: HostFs, address?: string): Promise<Record<string, JsonValue>> {
  const procs = await findDockerdProcesses(hostFs);
  if (procs.length === 0) {
    const configFile = await readDaemonConfig(hostFs, DEFAULT_DAEMON_JSON);
    const { effective, sources } = mergeEffective({}, configFile.content);
    // without a process table (host root mounted without /proc) "not running" would be a guess
    const procVisible = (await hostFs.list('/proc').catch(() => [])).some((n) => /^\d+$/.test(n));
    return {
      running: procVisible ? false : null,
      ...(procVisible
        ? {}
        : {
            error: `no processes visible under ${hostFs.raw('/proc')}: mount the host's /proc there to read dockerd's flags`,
          }),
      pid: null,
      cmdline: [],
      flags: {},
      configFile: { ...configFile },
      effective,
      sources,
    };
  }
  const analysed = await Promise.all(procs.map((p) => analyse(hostFs, p)));
  const chosen =
    analysed.find((a) => daemonServes(hostsOf(a.effective), address)) ?? (analysed[0] as Analysed);
  const fact: Record<string, JsonValue> = {
    running: true,
    pid: chosen.proc.pid,
    cmdline: chosen.proc.cmdline,
    flags: chosen.flags,
    configFile: { ...chosen.configFile },
    effective: chosen.effective,
    sources: chosen.sources,
  };
  if (chosen.unknownFlags.length > 0) fact.unknownFlags = chosen.unknownFlags;
  if (analysed.length > 1) fact.otherPids = analysed.filter((a) => a !== chosen).map((a) => a.proc.pid);
  return fact;
}

/**
 * `host.daemon`: the dockerd process (found through <host root>/proc), its flags, its daemon.json and the
 * effective configuration under daemon.json key names, with where each value came from.
 */
export const hostDaemonCollector: Collector = {
  id: 'host.daemon',
  target: 'docker',
  description: 'dockerd command line, daemon.json and effective configuration (read under the host root)',
  async collect(ctx) {
    const hostFs = new HostFs(requireHostRoot(ctx));
    return collectDaemon(hostFs, ctx.dockerAddress);
  },
};
