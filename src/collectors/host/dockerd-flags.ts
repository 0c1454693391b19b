import type { JsonValue } from '../../core/types.js';

/**
 * How a dockerd flag takes its value:
 * - `bool`: no separate value; `--flag` is true, `--flag=false` sets it (pflag never reads the next argument)
 * - `string` / `int`: one value, `--flag=v` or `--flag v`; given twice, the last one wins
 * - `list`: one value per occurrence, repeatable (`-H a -H b`)
 * - `map`: repeatable `key=value`
 * - `ulimit`: repeatable `name=soft[:hard]`
 * - `runtime`: repeatable `name=path`
 * - `pool`: repeatable `base=cidr,size=n`
 * - `feature`: repeatable `name[=bool]`
 * - `netopt`: repeatable `driver=key=value`
 */
export type FlagKind =
  'bool' | 'string' | 'int' | 'list' | 'map' | 'ulimit' | 'runtime' | 'pool' | 'feature' | 'netopt';

export interface FlagDef {
  kind: FlagKind;
  /** daemon.json key the flag corresponds to; null when it has none (e.g. --config-file). */
  key: string | null;
  short?: string;
}

function def(kind: FlagKind, key?: string | null, short?: string): FlagDef {
  return short ? { kind, key: key === undefined ? null : key, short } : { kind, key: key ?? null };
}

/**
 * dockerd's command line, from `dockerd --help` (20.10) and the dockerd reference for later releases
 * (https://docs.docker.com/reference/cli/dockerd/), including hidden and deprecated flags still seen in the
 * wild. Keys are long flag names; `key` is the daemon.json name (`--host` -> `hosts`).
 */
const TABLE: Record<string, [FlagKind, string | null, string?]> = {
  'add-runtime': ['runtime', 'runtimes'],
  'allow-direct-routing': ['bool', 'allow-direct-routing'],
  'allow-nondistributable-artifacts': ['list', 'allow-nondistributable-artifacts'],
  'api-cors-header': ['string', 'api-cors-header'],
  'authorization-plugin': ['list', 'authorization-plugins'],
  bip: ['string', 'bip'],
  bip6: ['string', 'bip6'],
  bridge: ['string', 'bridge', 'b'],
  'bridge-accept-fwmark': ['string', 'bridge-accept-fwmark'],
  'cdi-spec-dir': ['list', 'cdi-spec-dirs'],
  'cgroup-parent': ['string', 'cgroup-parent'],
  'cluster-advertise': ['string', 'cluster-advertise'],
  'cluster-store': ['string', 'cluster-store'],
  'cluster-store-opt': ['map', 'cluster-store-opts'],
  'config-file': ['string', null],
  containerd: ['string', 'containerd'],
  'containerd-namespace': ['string', 'containerd-namespace'],
  'containerd-plugins-namespace': ['string', 'containerd-plugins-namespace'],
  'cpu-rt-period': ['int', 'cpu-rt-period'],
  'cpu-rt-runtime': ['int', 'cpu-rt-runtime'],
  'cri-containerd': ['bool', 'cri-containerd'],
  'data-root': ['string', 'data-root'],
  debug: ['bool', 'debug', 'D'],
  'default-address-pool': ['pool', 'default-address-pools'],
  'default-cgroupns-mode': ['string', 'default-cgroupns-mode'],
  'default-gateway': ['string', 'default-gateway'],
  'default-gateway-v6': ['string', 'default-gateway-v6'],
  'default-ipc-mode': ['string', 'default-ipc-mode'],
  'default-network-opt': ['netopt', 'default-network-opts'],
  'default-runtime': ['string', 'default-runtime'],
  'default-shm-size': ['string', 'default-shm-size'],
  'default-ulimit': ['ulimit', 'default-ulimits'],
  'disable-legacy-registry': ['bool', 'disable-legacy-registry'],
  dns: ['list', 'dns'],
  'dns-opt': ['list', 'dns-opts'],
  'dns-search': ['list', 'dns-search'],
  'exec-opt': ['list', 'exec-opts'],
  'exec-root': ['string', 'exec-root'],
  experimental: ['bool', 'experimental'],
  feature: ['feature', 'features'],
  'firewall-backend': ['string', 'firewall-backend'],
  'fixed-cidr': ['string', 'fixed-cidr'],
  'fixed-cidr-v6': ['string', 'fixed-cidr-v6'],
  graph: ['string', 'data-root', 'g'],
  group: ['string', 'group', 'G'],
  help: ['bool', null],
  host: ['list', 'hosts', 'H'],
  'host-gateway-ip': ['list', 'host-gateway-ips'],
  'http-proxy': ['string', 'proxies.http-proxy'],
  'https-proxy': ['string', 'proxies.https-proxy'],
  icc: ['bool', 'icc'],
  init: ['bool', 'init'],
  'init-path': ['string', 'init-path'],
  'insecure-registry': ['list', 'insecure-registries'],
  ip: ['string', 'ip'],
  'ip-forward': ['bool', 'ip-forward'],
  'ip-forward-no-drop': ['bool', 'ip-forward-no-drop'],
  'ip-masq': ['bool', 'ip-masq'],
  ip6tables: ['bool', 'ip6tables'],
  iptables: ['bool', 'iptables'],
  ipv6: ['bool', 'ipv6'],
  label: ['list', 'labels'],
  'live-restore': ['bool', 'live-restore'],
  'log-driver': ['string', 'log-driver'],
  'log-format': ['string', 'log-format'],
  'log-level': ['string', 'log-level', 'l'],
  'log-opt': ['map', 'log-opts'],
  'max-concurrent-downloads': ['int', 'max-concurrent-downloads'],
  'max-concurrent-uploads': ['int', 'max-concurrent-uploads'],
  'max-download-attempts': ['int', 'max-download-attempts'],
  'metrics-addr': ['string', 'metrics-addr'],
  'min-api-version': ['string', 'min-api-version'],
  mtu: ['int', 'mtu'],
  'network-control-plane-mtu': ['int', 'network-control-plane-mtu'],
  'network-diagnostic-port': ['int', 'network-diagnostic-port'],
  'no-new-privileges': ['bool', 'no-new-privileges'],
  'no-proxy': ['string', 'proxies.no-proxy'],
  'node-generic-resource': ['list', 'node-generic-resources'],
  'oom-score-adjust': ['int', 'oom-score-adjust'],
  pidfile: ['string', 'pidfile', 'p'],
  'raw-logs': ['bool', 'raw-logs'],
  'registry-mirror': ['list', 'registry-mirrors'],
  rootless: ['bool', 'rootless'],
  'seccomp-profile': ['string', 'seccomp-profile'],
  'selinux-enabled': ['bool', 'selinux-enabled'],
  'shutdown-timeout': ['int', 'shutdown-timeout'],
  'storage-driver': ['string', 'storage-driver', 's'],
  'storage-opt': ['list', 'storage-opts'],
  'swarm-default-advertise-addr': ['string', 'swarm-default-advertise-addr'],
  tls: ['bool', 'tls'],
  tlscacert: ['string', 'tlscacert'],
  tlscert: ['string', 'tlscert'],
  tlskey: ['string', 'tlskey'],
  tlsverify: ['bool', 'tlsverify'],
  'userland-proxy': ['bool', 'userland-proxy'],
  'userland-proxy-path': ['string', 'userland-proxy-path'],
  'userns-remap': ['string', 'userns-remap'],
  validate: ['bool', null],
  version: ['bool', null, 'v'],
};

export const DOCKERD_FLAGS: ReadonlyMap<string, FlagDef> = new Map(
  Object.entries(TABLE).map(([name, [kind, key, short]]) => [name, def(kind, key, short)]),
);

const SHORT: ReadonlyMap<string, string> = new Map(
  [...DOCKERD_FLAGS].filter(([, d]) => d.short).map(([name, d]) => [d.short as string, name]),
);

const REPEATABLE: ReadonlySet<FlagKind> = new Set([
  'list',
  'map',
  'ulimit',
  'runtime',
  'pool',
  'feature',
  'netopt',
]);

export type FlagValue = string | boolean | (string | boolean)[];

export interface ParsedArgs {
  /** Long flag name -> value: true/false for booleans, strings otherwise; arrays for repeatable or repeated flags. */
  flags: Record<string, FlagValue>;
  /** Flags not in the table (kept in `flags` too, with a best-effort value). */
  unknown: string[];
  /** Arguments that are not flags (dockerd takes none). */
  positional: string[];
}

/** Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/**
 * Parse dockerd's argument vector (without argv[0]) the way pflag does: `--flag=value`, `--flag value`,
 * boolean flags (`--icc=false`, `--live-restore`), shorthand (`-H x`, `-Hx`, `-H=x`, `-Dl debug`) and
 * repeated flags. Unknown flags take the next argument as their value when it is not a flag, because
 * dockerd accepts no positional arguments.
 */
export function parseDockerdArgs(args: readonly string[]): ParsedArgs {
  const flags: Record<string, FlagValue> = {};
  const unknown: string[] = [];
  const positional: string[] = [];

  const record = (name: string, value: string | boolean): void => {
    const d = DOCKERD_FLAGS.get(name);
    const existing = flags[name];
    if (d && REPEATABLE.has(d.kind)) {
      flags[name] = Array.isArray(existing) ? [...existing, value] : [value];
    } else if (existing === undefined) {
      flags[name] = value;
    } else {
      flags[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
  };

  for (let i = 0; i < args.length; i++) {
    const tok = args[i] as string;
    if (tok === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
      const inline = eq < 0 ? undefined : tok.slice(eq + 1);
      const d = DOCKERD_FLAGS.get(name);
      if (!d) {
        if (!unknown.includes(name)) unknown.push(name);
        const next = args[i + 1];
        if (inline !== undefined) record(name, inline);
        else if (next !== undefined && !next.startsWith('-')) record(name, args[++i] as string);
        else record(name, true);
      } else if (d.kind === 'bool') {
        record(name, inline === undefined ? true : (parseGoBool(inline) ?? inline));
      } else if (inline !== undefined) {
        record(name, inline);
      } else if (i + 1 < args.length) {
        record(name, args[++i] as string);
      }
      continue;
    }
    if (tok.startsWith('-') && tok.length > 1) {
      // shorthand cluster: -D, -Dl debug, -ldebug, -l=debug, -H unix:///x
      for (let j = 1; j < tok.length; j++) {
        const c = tok[j] as string;
        const name = SHORT.get(c);
        if (!name) {
          const raw = `-${c}`;
          if (!unknown.includes(raw)) unknown.push(raw);
          break;
        }
        const d = DOCKERD_FLAGS.get(name) as FlagDef;
        if (d.kind === 'bool') {
          if (tok[j + 1] === '=') {
            const v = tok.slice(j + 2);
            record(name, parseGoBool(v) ?? v);
            break;
          }
          record(name, true);
          continue;
        }
        const rest = tok.slice(j + 1);
        if (rest !== '') record(name, rest.replace(/^=/, ''));
        else if (i + 1 < args.length) record(name, args[++i] as string);
        break;
      }
      continue;
    }
    positional.push(tok);
  }
  return { flags, unknown, positional };
}

function asList(value: FlagValue): string[] {
  return (Array.isArray(value) ? value : [value]).map(String);
}

function splitKeyValue(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** `nofile=1024:2048` -> `{ Name: "nofile", Soft: 1024, Hard: 2048 }` (daemon.json `default-ulimits` shape). */
export function parseUlimit(entry: string): { Name: string; Soft: number; Hard: number } | undefined {
  const [name, limits] = splitKeyValue(entry);
  const [soft, hard] = limits.split(':');
  const s = Number(soft);
  const h = hard === undefined ? s : Number(hard);
  if (!name || !Number.isFinite(s) || !Number.isFinite(h) || soft === '') return undefined;
  return { Name: name, Soft: s, Hard: h };
}

/** Convert one flag's parsed value to the value daemon.json would hold for its key. */
export function flagToConfigValue(name: string, value: FlagValue): JsonValue {
  const d = DOCKERD_FLAGS.get(name);
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (!d) return Array.isArray(value) ? value : value;
  switch (d.kind) {
    case 'bool':
      return typeof last === 'boolean' ? last : (parseGoBool(String(last)) ?? String(last));
    case 'int': {
      const n = Number(last);
      return Number.isFinite(n) && String(last).trim() !== '' ? n : String(last);
    }
    case 'string':
      return String(last);
    case 'list':
      return asList(value);
    case 'map': {
      const out: Record<string, string> = {};
      for (const entry of asList(value)) {
        const [k, v] = splitKeyValue(entry);
        out[k] = v;
      }
      return out;
    }
    case 'feature': {
      const out: Record<string, boolean | string> = {};
      for (const entry of asList(value)) {
        const [k, v] = splitKeyValue(entry);
        out[k] = v === '' ? true : (parseGoBool(v) ?? v);
      }
      return out;
    }
    case 'ulimit': {
      const out: Record<string, JsonValue> = {};
      for (const entry of asList(value)) {
        const u = parseUlimit(entry);
        if (u) out[u.Name] = u;
        else out[splitKeyValue(entry)[0]] = entry;
      }
      return out;
    }
    case 'runtime': {
      const out: Record<string, JsonValue> = {};
      for (const entry of asList(value)) {
        const [k, v] = splitKeyValue(entry);
        out[k] = { path: v };
      }
      return out;
    }
    case 'pool':
      return asList(value).map((entry) => {
        const out: Record<string, JsonValue> = {};
        for (const part of entry.split(',')) {
          const [k, v] = splitKeyValue(part.trim());
          out[k] = k === 'size' && Number.isFinite(Number(v)) ? Number(v) : v;
        }
        return out;
      });
    case 'netopt': {
      const out: Record<string, Record<string, string>> = {};
      for (const entry of asList(value)) {
        const [driver, kv] = splitKeyValue(entry);
        const [k, v] = splitKeyValue(kv);
        out[driver] = { ...(out[driver] ?? {}), [k]: v };
      }
      return out;
    }
  }
}

export interface Effective {
  effective: Record<string, JsonValue>;
  sources: Record<string, 'flag' | 'daemon.json'>;
}

/**
 * Merge daemon.json and the command line under daemon.json key names. dockerd refuses to start when a
 * setting is given both ways, so for a running daemon they never disagree; should both be present, the
 * flag is reported (it is what the process was started with). Nested keys (`proxies.http-proxy`) merge
 * into their object. Only explicitly set values appear; defaults are not invented.
 */
export function mergeEffective(
  flags: Readonly<Record<string, FlagValue>>,
  config: Readonly<Record<string, JsonValue>> | null,
): Effective {
  const effective: Record<string, JsonValue> = {};
  const sources: Record<string, 'flag' | 'daemon.json'> = {};
  for (const [key, value] of Object.entries(config ?? {})) {
    effective[key] = value;
    sources[key] = 'daemon.json';
  }
  for (const [name, value] of Object.entries(flags)) {
    const d = DOCKERD_FLAGS.get(name);
    const key = d ? d.key : name;
    if (key === null) continue;
    const converted = flagToConfigValue(name, value);
    const dot = key.indexOf('.');
    if (dot > 0) {
      const parent = key.slice(0, dot);
      const child = key.slice(dot + 1);
      const current = effective[parent];
      const base = current && typeof current === 'object' && !Array.isArray(current) ? current : {};
      effective[parent] = { ...base, [child]: converted };
      sources[parent] = 'flag';
    } else {
      effective[key] = converted;
      sources[key] = 'flag';
    }
  }
  return { effective, sources };
}
