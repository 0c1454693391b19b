/**
 * Risk context of a resource, read from the facts: how exposed and how privileged it is, plus the scope tags
 * (cardholder-data environment, production, internet-facing) that the user's scope file assigns.
 */
import type { FactTarget, JsonValue, ResourceRef } from '../core/types.js';
import { globMatch } from '../governance/match.js';

export type ScopeTag = 'cde' | 'production' | 'internet-facing' | 'non-production';

export interface ScopeRule {
  name?: string;
  tags: ScopeTag[];
  match: {
    target?: string;
    kind?: string;
    name?: string;
    namespace?: string;
    image?: string;
    labels?: Record<string, string>;
  };
}

export interface ResourceContext {
  image?: string;
  labels: Record<string, string>;
  /** Reachable from outside the host: host network, ports published on every interface, engine on TCP. */
  exposed: string[];
  /** Able to take over the host: privileged, host PID, engine socket, sensitive mounts, dangerous capabilities. */
  privileged: string[];
  /** Lesser privilege signals: runs as root, added capabilities. */
  elevated: string[];
  tags: ScopeTag[];
}

type Obj = Record<string, JsonValue>;
const obj = (v: JsonValue | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const arr = (v: JsonValue | undefined): JsonValue[] => (Array.isArray(v) ? v : []);
const str = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : '');

const DANGEROUS_CAPS =
  /^(CAP_)?(ALL|SYS_ADMIN|SYS_MODULE|SYS_PTRACE|SYS_RAWIO|DAC_READ_SEARCH|NET_ADMIN|BPF)$/i;
const SENSITIVE = new Set(['/', '/etc', '/proc', '/sys', '/boot', '/dev', '/usr', '/lib', '/var/lib/docker']);
const ALL_INTERFACES = new Set(['', '0.0.0.0', '::', '[::]']);

function containerContext(c: Obj): Omit<ResourceContext, 'tags'> {
  const hc = obj(c.HostConfig);
  const cfg = obj(c.Config);
  const exposed: string[] = [];
  const privileged: string[] = [];
  const elevated: string[] = [];
  if (str(hc.NetworkMode) === 'host') exposed.push('host network');
  const bindings = [
    ...Object.values(obj(hc.PortBindings)),
    ...Object.values(obj(obj(c.NetworkSettings).Ports)),
  ].flatMap(arr);
  const open = bindings.map(obj).filter((b) => ALL_INTERFACES.has(str(b.HostIp)) && str(b.HostPort) !== '');
  if (open.length)
    exposed.push(
      `ports published on all interfaces (${[...new Set(open.map((b) => str(b.HostPort)))].join(', ')})`,
    );
  if (hc.Privileged === true) privileged.push('privileged');
  if (str(hc.PidMode) === 'host') privileged.push('host PID namespace');
  if (str(hc.IpcMode) === 'host') elevated.push('host IPC namespace');
  for (const m of arr(c.Mounts).map(obj)) {
    const src = str(m.Source);
    if (/docker\.sock$|containerd\.sock$/.test(src)) privileged.push(`engine socket mounted (${src})`);
    else if (str(m.Type) === 'bind' && SENSITIVE.has(src.replace(/\/+$/, '') || '/') && m.RW !== false)
      privileged.push(`writable host ${src} mounted`);
  }
  const caps = arr(hc.CapAdd)
    .map(str)
    .filter((x) => DANGEROUS_CAPS.test(x));
  if (caps.length) privileged.push(`capabilities ${caps.join(', ')}`);
  else if (arr(hc.CapAdd).length) elevated.push('added capabilities');
  const user = str(cfg.User);
  if (user === '' || /^(root|0)(:|$)/.test(user)) elevated.push('runs as root');
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(cfg.Labels))) labels[k] = str(v);
  return { image: str(cfg.Image) || undefined, labels, exposed, privileged, elevated };
}

/** Engine-wide context, applied to host, daemon, engine and file findings. */
function targetContext(t: FactTarget): Omit<ResourceContext, 'tags'> {
  const exposed: string[] = [];
  const hosts = arr(obj(obj(t.facts['host.daemon']).effective).hosts).map(str);
  const tcp = hosts.filter((h) => /^tcp:\/\//.test(h) && !/^tcp:\/\/(127\.|localhost|\[::1\])/.test(h));
  if (tcp.length) exposed.push(`engine API on TCP (${tcp.join(', ')})`);
  return { labels: {}, exposed, privileged: ['controls the engine, which runs as root'], elevated: [] };
}

function ruleMatches(
  rule: ScopeRule,
  target: FactTarget,
  r: ResourceRef,
  ctx: Omit<ResourceContext, 'tags'>,
): boolean {
  const m = rule.match;
  if (m.target && !(globMatch(m.target, target.id) || globMatch(m.target, target.name))) return false;
  if (!globMatch(m.kind, r.kind) || !globMatch(m.name, r.name) || !globMatch(m.namespace, r.namespace))
    return false;
  if (m.image !== undefined && !globMatch(m.image, ctx.image)) return false;
  for (const [k, v] of Object.entries(m.labels ?? {})) if (!globMatch(v, ctx.labels[k])) return false;
  return true;
}

const TARGET_LEVEL = new Set(['host', 'daemon', 'engine', 'file', 'user', 'docker']);

/** Builds a lookup from resource to context for one target. Index once, query per finding. */
export function contextIndex(target: FactTarget, rules: ScopeRule[]): (r: ResourceRef) => ResourceContext {
  const containers = new Map<string, Obj>();
  for (const c of arr(target.facts['docker.containers']).map(obj)) containers.set(str(c.Id), c);
  const images = new Map<string, Obj>();
  for (const i of arr(target.facts['docker.images']).map(obj)) images.set(str(i.Id), i);
  const engine = targetContext(target);
  const none = { labels: {}, exposed: [], privileged: [], elevated: [] };
  return (r) => {
    let base: Omit<ResourceContext, 'tags'>;
    const container = r.kind === 'container' ? containers.get(r.id) : undefined;
    if (container) base = containerContext(container);
    else if (TARGET_LEVEL.has(r.kind)) base = engine;
    else if (r.kind === 'image') {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(obj(obj(images.get(r.id)?.Config).Labels))) labels[k] = str(v);
      base = { ...none, image: r.name, labels };
    } else base = none;
    const tags = new Set<ScopeTag>();
    for (const rule of rules) if (ruleMatches(rule, target, r, base)) rule.tags.forEach((t) => tags.add(t));
    return { ...base, tags: [...tags] };
  };
}
