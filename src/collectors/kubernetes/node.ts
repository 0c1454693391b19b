/**
 * What a Kubernetes node shows under `--node-root`: component processes (`/proc/<pid>/cmdline`, `environ`),
 * static pod manifests, the kubelet's systemd unit, kubelet and kube-proxy configuration files.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HostFs, fsErrorReason, isNotFound } from '../host/hostfs.js';
import {
  COMPONENT_BINARIES,
  parseFlags,
  splitCommandLine,
  type Component,
  type ParsedFlags,
} from './flags.js';
import { isObj, obj, objs, str, strs, type Obj } from './util.js';

export interface Proc {
  pid: number;
  argv: string[];
  env: Record<string, string>;
}

export interface StaticPod {
  path: string;
  pod: Obj;
}

export interface ConfigFileRead {
  path: string;
  exists: boolean;
  content: Obj | null;
  error?: string;
}

export interface NodeInfo {
  root: string;
  hostFs: HostFs;
  name: string;
  processes: Map<Component, Proc[]>;
  staticPods: Map<Component, StaticPod>;
  /** Directory the kubelet reads static pods from. */
  staticPodPath: string;
  /** The kubelet's arguments from its process, else from its systemd unit (with `origin`). */
  kubeletArgs?: { argv: string[]; origin: string };
  kubeletUnitFiles: string[];
}

export const MANIFEST_DIRS = ['/etc/kubernetes/manifests', '/var/lib/rancher/rke2/agent/pod-manifests'];
const STATIC_POD_NAMES: Record<Exclude<Component, 'kubelet' | 'proxy'>, string> = {
  apiserver: 'kube-apiserver',
  controllerManager: 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  etcd: 'etcd',
};
export const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/** Which component an argv belongs to (`/usr/bin/kube-apiserver ...`, `hyperkube kubelet ...`). */
export function componentOfArgv(argv: string[]): { component: Component; args: string[] } | undefined {
  const exe = path.posix.basename(argv[0] ?? '');
  const pick = (name: string, args: string[]) => {
    for (const [component, bins] of Object.entries(COMPONENT_BINARIES) as [Component, string[]][]) {
      if (bins.includes(name)) return { component, args };
    }
    return undefined;
  };
  if (exe === 'hyperkube' && argv[1]) {
    const sub = argv[1].startsWith('kube-') || argv[1] === 'kubelet' ? argv[1] : `kube-${argv[1]}`;
    return pick(sub, argv.slice(2));
  }
  return pick(exe, argv.slice(1));
}

/** The command + args of a static pod's first container (or the one named after the component). */
export function podCommand(pod: Obj, binary?: string): string[] {
  const containers = objs(obj(pod.spec).containers);
  const c =
    containers.find((x) => binary && (str(x.name) === binary || strs(x.command)[0]?.endsWith(binary))) ??
    containers[0];
  if (!c) return [];
  return [...strs(c.command), ...strs(c.args)];
}

/** `KEY=value` pairs of a container's env (plain values only). */
export function podEnv(pod: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of objs(obj(pod.spec).containers))
    for (const e of objs(c.env))
      if (str(e.name) && typeof e.value === 'string') out[e.name as string] = e.value;
  return out;
}

async function readProcesses(hostFs: HostFs): Promise<Map<Component, Proc[]>> {
  const out = new Map<Component, Proc[]>();
  let entries: string[];
  try {
    entries = await hostFs.list('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let raw: string | undefined;
    try {
      raw = await hostFs.readOptional(`/proc/${entry}/cmdline`);
    } catch {
      continue;
    }
    if (!raw) continue;
    const argv = raw.split('\0').filter((w, i, all) => w !== '' || i < all.length - 1);
    const hit = componentOfArgv(argv);
    if (!hit) continue;
    const env: Record<string, string> = {};
    if (hit.component === 'etcd') {
      const environ = await hostFs.readOptional(`/proc/${entry}/environ`).catch(() => undefined);
      for (const kv of (environ ?? '').split('\0')) {
        const eq = kv.indexOf('=');
        if (eq > 0 && kv.startsWith('ETCD_')) env[kv.slice(0, eq)] = kv.slice(eq + 1);
      }
    }
    const list = out.get(hit.component) ?? [];
    list.push({ pid: Number(entry), argv, env });
    out.set(hit.component, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return out;
}

/** Reads a YAML/JSON file; `content` is null when missing or unparsable (with `error`). */
export async function readConfigFile(hostFs: HostFs, file: string): Promise<ConfigFileRead> {
  let text: string | undefined;
  try {
    text = await hostFs.readOptional(file);
  } catch (err) {
    return { path: file, exists: true, content: null, error: fsErrorReason(err) };
  }
  if (text === undefined) return { path: file, exists: false, content: null };
  try {
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return { path: file, exists: true, content: {} };
    if (!isObj(parsed)) return { path: file, exists: true, content: null, error: 'not a YAML/JSON mapping' };
    return { path: file, exists: true, content: parsed };
  } catch (err) {
    return {
      path: file,
      exists: true,
      content: null,
      error: `cannot parse: ${(err as Error).message.split('\n')[0]}`,
    };
  }
}

/** Parses systemd unit text into `[Section] key -> values` (multiple values kept in order). */
export function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      section = sec[1] as string;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = `${section}.${line.slice(0, eq).trim()}`;
    const list = out.get(key) ?? [];
    list.push(line.slice(eq + 1).trim());
    out.set(key, list);
  }
  return out;
}

/** `KEY=value` lines of an EnvironmentFile (quotes removed). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = (m[2] as string).trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1] as string] = v;
  }
  return out;
}

/**
 * The kubelet's command line as systemd would start it: the unit's last `ExecStart`, with `$VAR` / `${VAR}`
 * expanded from `Environment=` and `EnvironmentFile=` of the unit and its drop-ins (kubeadm layout).
 */
export async function kubeletFromUnit(
  hostFs: HostFs,
): Promise<{ argv: string[]; files: string[] } | undefined> {
  const files: string[] = [];
  for (const dir of UNIT_DIRS) {
    const unit = `${dir}/kubelet.service`;
    if ((await hostFs.readOptional(unit).catch(() => undefined)) !== undefined) {
      files.push(unit);
      break;
    }
  }
  for (const dir of UNIT_DIRS) {
    const dropDir = `${dir}/kubelet.service.d`;
    for (const name of await hostFs.list(dropDir).catch(() => [] as string[])) {
      if (name.endsWith('.conf')) files.push(`${dropDir}/${name}`);
    }
  }
  if (!files.length) return undefined;
  const env: Record<string, string> = {};
  let exec: string | undefined;
  for (const file of files) {
    const text = (await hostFs.readOptional(file).catch(() => undefined)) ?? '';
    const unit = parseUnit(text);
    for (const e of unit.get('Service.Environment') ?? []) {
      for (const word of splitCommandLine(e)) {
        const eq = word.indexOf('=');
        if (eq > 0) env[word.slice(0, eq)] = word.slice(eq + 1);
      }
    }
    for (const ef of unit.get('Service.EnvironmentFile') ?? []) {
      const p = ef.replace(/^-/, '');
      const content = await hostFs.readOptional(p).catch(() => undefined);
      if (content !== undefined) Object.assign(env, parseEnvFile(content));
    }
    for (const e of unit.get('Service.ExecStart') ?? []) exec = e === '' ? undefined : e;
  }
  if (!exec) return undefined;
  const expanded = exec
    .replace(/^[-@:+!]+/, '')
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => env[a ?? b] ?? '');
  const argv = splitCommandLine(expanded);
  return argv.length ? { argv, files } : undefined;
}

/** The node's name: kubelet --hostname-override, else /etc/hostname, else "node". */
async function nodeName(hostFs: HostFs, kubeletFlags: ParsedFlags | undefined): Promise<string> {
  const override = kubeletFlags?.flags['hostname-override'];
  if (override) return override;
  const hostname = (await hostFs.readOptional('/etc/hostname').catch(() => undefined))?.trim();
  return hostname || 'node';
}

/** Reads everything the Kubernetes node collectors need from a node root, once. */
export async function readNode(root: string): Promise<NodeInfo> {
  const hostFs = new HostFs(root);
  const processes = await readProcesses(hostFs);
  let kubeletArgs: NodeInfo['kubeletArgs'];
  const kubeletProc = processes.get('kubelet')?.[0];
  const unit = await kubeletFromUnit(hostFs);
  if (kubeletProc) kubeletArgs = { argv: kubeletProc.argv, origin: `process ${kubeletProc.pid}` };
  else if (unit) kubeletArgs = { argv: unit.argv, origin: `systemd unit ${unit.files.join(', ')}` };
  const kubeletFlags = kubeletArgs
    ? parseFlags(componentOfArgv(kubeletArgs.argv)?.args ?? kubeletArgs.argv.slice(1))
    : undefined;
  // the static pod directory: kubelet --pod-manifest-path, or staticPodPath of its config file
  let staticPodPath = kubeletFlags?.flags['pod-manifest-path'];
  if (!staticPodPath && kubeletFlags?.flags.config) {
    const cfg = await readConfigFile(hostFs, path.posix.resolve('/', kubeletFlags.flags.config));
    staticPodPath = str(obj(cfg.content).staticPodPath);
  }
  const dirs = [...new Set([...(staticPodPath ? [staticPodPath] : []), ...MANIFEST_DIRS])];
  const staticPods = new Map<Component, StaticPod>();
  for (const [component, name] of Object.entries(STATIC_POD_NAMES) as [Component, string][]) {
    for (const dir of dirs) {
      let found: StaticPod | undefined;
      for (const ext of ['yaml', 'yml', 'manifest', 'json']) {
        const file = `${dir}/${name}.${ext}`;
        const read = await readConfigFile(hostFs, file);
        if (read.exists && read.content) {
          found = { path: file, pod: read.content };
          break;
        }
      }
      if (found) {
        staticPods.set(component, found);
        break;
      }
    }
  }
  return {
    root,
    hostFs,
    name: await nodeName(hostFs, kubeletFlags),
    processes,
    staticPods,
    staticPodPath: staticPodPath ?? MANIFEST_DIRS[0]!,
    ...(kubeletArgs ? { kubeletArgs } : {}),
    kubeletUnitFiles: unit?.files ?? [],
  };
}

/** Files of a directory under the node root, recursively (host paths), sorted. */
export async function listFilesRecursive(hostFs: HostFs, dir: string, depth = 6): Promise<string[]> {
  const out: string[] = [];
  let names: string[];
  try {
    names = await hostFs.list(dir);
  } catch (err) {
    if (isNotFound(err)) return out;
    throw err;
  }
  for (const name of names) {
    const p = `${dir.replace(/\/+$/, '')}/${name}`;
    let isDir = false;
    try {
      isDir = (await hostFs.lstat(p)).isDirectory();
    } catch {
      // unreadable: report it as a file
    }
    if (isDir && depth > 0) {
      out.push(p);
      out.push(...(await listFilesRecursive(hostFs, p, depth - 1)));
    } else out.push(p);
  }
  return out;
}
