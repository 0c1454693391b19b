/**
 * `k8s.controlplane`: one entry per component instance (apiserver, controllerManager, scheduler, etcd,
 * kubelet, proxy) with parsed flags, configuration and effective values. See docs/facts-k8s.md.
 */
import path from 'node:path';
import type { JsonValue } from '../../core/types.js';
import {
  COMPONENTS,
  COMPONENT_BINARIES,
  flagEffective,
  kubeletEffective,
  parseFlags,
  proxyEffective,
  type Component,
} from './flags.js';
import { componentOfArgv, podCommand, podEnv, readConfigFile, type NodeInfo } from './node.js';
import { isMirrorPod } from './workloads.js';
import { isObj, obj, objs, str, strs, type Obj } from './util.js';
import type { ConfigFileRead } from './node.js';
import { parse as parseYaml } from 'yaml';

export interface ControlPlaneInputs {
  mode: 'live' | 'manifests' | 'node';
  node?: NodeInfo;
  /** kube-system pods (live or manifests); undefined when pods could not be read. */
  pods?: Obj[];
  /** DaemonSets (for kube-proxy); undefined when unreadable. */
  daemonSets?: Obj[];
  /** The kube-proxy ConfigMap's data, when readable. */
  proxyConfigMap?: Obj;
  platform: { name: string; managedControlPlane: boolean };
}

const LABELS: Record<Exclude<Component, 'kubelet' | 'proxy'>, string> = {
  apiserver: 'kube-apiserver',
  controllerManager: 'kube-controller-manager',
  scheduler: 'kube-scheduler',
  etcd: 'etcd',
};

const PLATFORM_LABEL: Record<string, string> = { eks: 'EKS', gke: 'GKE', aks: 'AKS' };

/** Which control-plane component a kube-system pod runs (by `component` label, else its command / name). */
export function componentOfPod(pod: Obj): Component | undefined {
  const labels = obj(obj(pod.metadata).labels);
  const byLabel = str(labels.component) ?? str(labels['k8s-app']);
  for (const [c, name] of Object.entries(LABELS) as [Component, string][]) if (byLabel === name) return c;
  if (byLabel === 'kube-proxy') return 'proxy';
  const cmd = podCommand(pod);
  const hit = cmd.length ? componentOfArgv(cmd) : undefined;
  if (hit && hit.component !== 'kubelet') return hit.component;
  const name = str(obj(pod.metadata).name) ?? '';
  for (const [c, n] of Object.entries(LABELS) as [Component, string][])
    if (name.startsWith(`${n}-`)) return c;
  return undefined;
}

function argsOf(component: Component, argv: string[]): string[] {
  const hit = componentOfArgv(argv);
  if (hit && hit.component === component) return hit.args;
  // a pod whose command is a shell or a different entry point: keep everything after the first word
  const bins = COMPONENT_BINARIES[component];
  const idx = argv.findIndex((w) => bins.includes(path.posix.basename(w)));
  return idx >= 0 ? argv.slice(idx + 1) : argv.slice(1);
}

interface EntryInput {
  component: Component;
  source: 'node' | 'mirror-pod' | 'pod' | 'manifest';
  origin: string;
  node: string | null;
  argv: string[];
  env?: Record<string, string>;
  _source?: JsonValue;
}

function baseEntry(input: EntryInput): Obj {
  const parsed = parseFlags(argsOf(input.component, input.argv));
  const entry: Obj = {
    id: `${input.component}@${input.node ?? input.origin}`,
    component: input.component,
    name: COMPONENT_BINARIES[input.component][0],
    node: input.node,
    source: input.source,
    origin: input.origin,
    command: input.argv,
    flags: parsed.flags,
    flagValues: parsed.flagValues,
    args: parsed.args,
    env: input.env ?? {},
    config: null,
    configFile: null,
    admissionConfig: null,
    encryptionConfig: null,
    auditPolicy: null,
  };
  if (input._source !== undefined) entry._source = input._source;
  if (input.component !== 'kubelet' && input.component !== 'proxy') {
    const eff = flagEffective(input.component, parsed.flags, input.env);
    Object.assign(entry, eff);
  }
  return entry;
}

function unavailable(component: Component, reason: string): Obj {
  return {
    id: `${component}@unavailable`,
    component,
    name: COMPONENT_BINARIES[component][0],
    node: null,
    source: 'unavailable',
    origin: null,
    reason,
    error: reason,
    command: [],
    flags: {},
    flagValues: {},
    args: [],
    env: {},
    effective: {},
    sources: {},
    lists: {},
    featureGates: {},
    config: null,
    configFile: null,
    admissionConfig: null,
    encryptionConfig: null,
    auditPolicy: null,
  };
}

function fileInfo(read: ConfigFileRead): Obj {
  return { path: read.path, exists: read.exists, ...(read.error ? { error: read.error } : {}) };
}

async function apiserverExtras(entry: Obj, node: NodeInfo): Promise<void> {
  const flags = entry.flags as Record<string, string>;
  const abs = (p: string) => path.posix.resolve('/', p);
  const admission = flags['admission-control-config-file'];
  if (admission) {
    const read = await readConfigFile(node.hostFs, abs(admission));
    const plugins = objs(obj(read.content).plugins);
    const ps = plugins.find((p) => p.name === 'PodSecurity');
    let podSecurity: Obj | null = null;
    if (ps) {
      let cfg = obj(ps.configuration);
      if (!ps.configuration && str(ps.path)) {
        const inner = await readConfigFile(
          node.hostFs,
          path.posix.resolve(path.posix.dirname(abs(admission)), ps.path as string),
        );
        cfg = obj(inner.content);
      }
      podSecurity = { defaults: obj(cfg.defaults), exemptions: obj(cfg.exemptions) };
    }
    entry.admissionConfig = {
      ...fileInfo(read),
      plugins: plugins.map((p) => str(p.name) ?? ''),
      podSecurity,
    };
  }
  const encryption = flags['encryption-provider-config'];
  if (encryption) {
    const read = await readConfigFile(node.hostFs, abs(encryption));
    entry.encryptionConfig = {
      ...fileInfo(read),
      resources: objs(obj(read.content).resources).map((r) => ({
        resources: strs(r.resources),
        providers: objs(r.providers).flatMap((p) => Object.keys(p)),
      })),
    };
  }
  const audit = flags['audit-policy-file'];
  if (audit) {
    const read = await readConfigFile(node.hostFs, abs(audit));
    const rules = objs(obj(read.content).rules);
    entry.auditPolicy = {
      ...fileInfo(read),
      rules: rules.length,
      levels: [...new Set(rules.map((r) => str(r.level) ?? ''))],
    };
  }
}

async function kubeletEntry(node: NodeInfo): Promise<Obj | undefined> {
  if (!node.kubeletArgs) return undefined;
  const entry = baseEntry({
    component: 'kubelet',
    source: 'node',
    origin: node.kubeletArgs.origin,
    node: node.name,
    argv: node.kubeletArgs.argv,
  });
  const flags = entry.flags as Record<string, string>;
  let config: Obj | null = null;
  if (flags.config) {
    const read = await readConfigFile(node.hostFs, path.posix.resolve('/', flags.config));
    entry.configFile = fileInfo(read);
    config = read.content;
  }
  const dropIns: Obj[] = [];
  const dropInFiles: string[] = [];
  if (flags['config-dir']) {
    const dir = path.posix.resolve('/', flags['config-dir']);
    for (const name of await node.hostFs.list(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.conf')) continue;
      const read = await readConfigFile(node.hostFs, `${dir}/${name}`);
      dropInFiles.push(`${dir}/${name}`);
      if (read.content) dropIns.push(read.content);
    }
  }
  entry.dropIns = dropInFiles;
  entry.config = config;
  Object.assign(entry, kubeletEffective(flags, config, dropIns));
  return entry;
}

function proxyEntryFrom(input: EntryInput, config: Obj | null, configFile: Obj | null): Obj {
  const entry = baseEntry(input);
  entry.config = config;
  entry.configFile = configFile;
  Object.assign(entry, proxyEffective(entry.flags as Record<string, string>, config));
  return entry;
}

function configFromConfigMap(data: Obj | undefined): Obj | null {
  const text = str(obj(data)['config.conf']);
  if (!text) return null;
  try {
    const parsed: unknown = parseYaml(text);
    return isObj(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** Builds the `k8s.controlplane` entries. */
export async function buildControlPlane(inputs: ControlPlaneInputs): Promise<Obj[]> {
  const entries: Obj[] = [];
  const node = inputs.node;
  const podsByComponent = new Map<Component, Obj[]>();
  for (const pod of inputs.pods ?? []) {
    if (str(obj(pod.metadata).namespace) !== 'kube-system') continue;
    if (inputs.mode === 'live' && !isMirrorPod(pod)) continue;
    const c = componentOfPod(pod);
    if (!c || c === 'proxy') continue;
    const list = podsByComponent.get(c) ?? [];
    list.push(pod);
    podsByComponent.set(c, list);
  }
  for (const component of COMPONENTS) {
    const found: Obj[] = [];
    if (component === 'kubelet') {
      const e = node ? await kubeletEntry(node) : undefined;
      entries.push(
        e ??
          unavailable(
            'kubelet',
            node
              ? 'no kubelet process or kubelet systemd unit found under the node root'
              : 'the kubelet is only visible on its node; run on the node with --node-root',
          ),
      );
      continue;
    }
    if (component === 'proxy') {
      const proc = node?.processes.get('proxy')?.[0];
      if (proc && node) {
        const flags = parseFlags(argsOf('proxy', proc.argv)).flags;
        let config: Obj | null = null;
        let configFile: Obj | null = null;
        if (flags.config) {
          const read = await readConfigFile(node.hostFs, path.posix.resolve('/', flags.config));
          configFile = fileInfo(read);
          if (!read.exists)
            configFile.error = 'not on the node filesystem (probably a path inside the kube-proxy container)';
          config = read.content;
        }
        config ??= configFromConfigMap(inputs.proxyConfigMap);
        found.push(
          proxyEntryFrom(
            { component, source: 'node', origin: `process ${proc.pid}`, node: node.name, argv: proc.argv },
            config,
            configFile,
          ),
        );
      } else {
        const ds = (inputs.daemonSets ?? []).find(
          (d) =>
            str(obj(d.metadata).namespace) === 'kube-system' &&
            /^kube-proxy/.test(str(obj(d.metadata).name) ?? ''),
        );
        if (ds) {
          const pod = { spec: obj(obj(obj(ds.spec).template).spec) };
          const cfg = configFromConfigMap(inputs.proxyConfigMap);
          found.push(
            proxyEntryFrom(
              {
                component,
                source: inputs.mode === 'manifests' ? 'manifest' : 'pod',
                origin: `DaemonSet kube-system/${str(obj(ds.metadata).name)}`,
                node: null,
                argv: podCommand(pod, 'kube-proxy'),
                ...(isObj(ds._source) ? { _source: ds._source as JsonValue } : {}),
              },
              cfg,
              cfg ? { path: 'ConfigMap kube-system/kube-proxy config.conf', exists: true } : null,
            ),
          );
        }
      }
      entries.push(
        ...(found.length
          ? found
          : [
              unavailable(
                'proxy',
                inputs.daemonSets === undefined && !node
                  ? 'DaemonSets could not be read, so kube-proxy could not be found'
                  : 'kube-proxy is not running (the CNI may replace it) or is not visible',
              ),
            ]),
      );
      continue;
    }
    // apiserver, controller manager, scheduler, etcd
    if (inputs.platform.managedControlPlane) {
      const who = PLATFORM_LABEL[inputs.platform.name] ?? inputs.platform.name;
      entries.push(
        unavailable(component, `control plane is managed by ${who} and not visible to the cluster user`),
      );
      continue;
    }
    if (node) {
      const proc = node.processes.get(component)?.[0];
      const staticPod = node.staticPods.get(component);
      if (proc) {
        found.push(
          baseEntry({
            component,
            source: 'node',
            origin: `process ${proc.pid}`,
            node: node.name,
            argv: proc.argv,
            env: proc.env,
          }),
        );
      } else if (staticPod) {
        found.push(
          baseEntry({
            component,
            source: 'node',
            origin: staticPod.path,
            node: node.name,
            argv: podCommand(staticPod.pod, COMPONENT_BINARIES[component][0]),
            env: component === 'etcd' ? podEnv(staticPod.pod) : {},
          }),
        );
      }
      if (component === 'apiserver' && found[0]) await apiserverExtras(found[0], node);
    }
    for (const pod of podsByComponent.get(component) ?? []) {
      const podNode = str(obj(pod.spec).nodeName) ?? null;
      if (node && found.length && podNode === node.name) continue;
      const m = obj(pod.metadata);
      found.push(
        baseEntry({
          component,
          source: inputs.mode === 'manifests' ? 'manifest' : 'mirror-pod',
          origin: `pod kube-system/${str(m.name)}`,
          node: podNode ?? str(m.name) ?? null,
          argv: podCommand(pod, COMPONENT_BINARIES[component][0]),
          env: component === 'etcd' ? podEnv(pod) : {},
          ...(isObj(pod._source) ? { _source: pod._source as JsonValue } : {}),
        }),
      );
    }
    if (found.length) {
      entries.push(...found);
      continue;
    }
    let reason: string;
    if (inputs.platform.name === 'k3s')
      reason =
        'k3s runs the control plane inside the k3s process; its component flags are not visible separately';
    else if (inputs.mode === 'manifests')
      reason = `the manifests do not include the ${LABELS[component]} static pod`;
    else if (component === 'etcd')
      reason = 'etcd was not found on this node or as a mirror pod (external or embedded etcd?)';
    else if (inputs.pods === undefined && !node)
      reason = `pods could not be read, so ${LABELS[component]} could not be found`;
    else
      reason = `no ${LABELS[component]} process, static pod manifest or mirror pod found; run on a control-plane node with --node-root`;
    entries.push(unavailable(component, reason));
  }
  return entries;
}
