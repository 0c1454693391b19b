/**
 * Command lines and configuration of Kubernetes components: pflag-style flag parsing, documented defaults,
 * and the kubelet's merge of config file, drop-ins and flags. See docs/facts-k8s.md (`k8s.controlplane`).
 */
import type { JsonValue } from '../../core/types.js';
import { isObj, type Obj } from './util.js';

export const COMPONENTS = [
  'apiserver',
  'controllerManager',
  'scheduler',
  'etcd',
  'kubelet',
  'proxy',
] as const;
export type Component = (typeof COMPONENTS)[number];

/** Executable / static pod names of each component. */
export const COMPONENT_BINARIES: Record<Component, string[]> = {
  apiserver: ['kube-apiserver'],
  controllerManager: ['kube-controller-manager'],
  scheduler: ['kube-scheduler'],
  etcd: ['etcd'],
  kubelet: ['kubelet'],
  proxy: ['kube-proxy'],
};

/** Boolean flags: pflag never gives them the next word as a value. */
const BOOL_FLAGS: ReadonlySet<string> = new Set([
  // common
  'alsologtostderr',
  'logtostderr',
  'add-dir-header',
  'skip-headers',
  'skip-log-headers',
  'one-output',
  'help',
  'profiling',
  'contention-profiling',
  'leader-elect',
  // kube-apiserver
  'anonymous-auth',
  'allow-privileged',
  'enable-bootstrap-token-auth',
  'service-account-lookup',
  'service-account-extend-token-expiration',
  'enable-aggregator-routing',
  'enable-priority-and-fairness',
  'enable-garbage-collector',
  'enable-logs-handler',
  'audit-log-compress',
  'kubelet-https',
  'watch-cache',
  'permit-port-sharing',
  'permit-address-sharing',
  'storage-media-type-json',
  'enable-admission-plugins-all',
  'authorization-webhook-cache-authorized-ttl-enabled',
  // kube-controller-manager
  'use-service-account-credentials',
  'allocate-node-cidrs',
  'configure-cloud-routes',
  'enable-dynamic-provisioning',
  'enable-hostpath-provisioner',
  'enable-taint-manager',
  // etcd
  'client-cert-auth',
  'peer-client-cert-auth',
  'auto-tls',
  'peer-auto-tls',
  'enable-pprof',
  'strict-reconfig-check',
  'debug',
  'enable-v2',
  'force-new-cluster',
  'enable-grpc-gateway',
  'experimental-initial-corrupt-check',
  'experimental-enable-lease-checkpoint',
  'experimental-enable-distributed-tracing',
  'experimental-peer-skip-client-san-verification',
  'peer-skip-client-san-verification',
  // kubelet
  'authentication-token-webhook',
  'rotate-certificates',
  'rotate-server-certificates',
  'make-iptables-util-chains',
  'seccomp-default',
  'protect-kernel-defaults',
  'fail-swap-on',
  'register-node',
  'register-schedulable',
  'serialize-image-pulls',
  'enable-server',
  'enable-debugging-handlers',
  'cgroups-per-qos',
  'exit-on-lock-contention',
  'kernel-memcg-notification',
  'keep-terminated-pod-volumes',
  'localstorage-capacity-isolation',
  'enable-controller-attach-detach',
  'cpu-cfs-quota',
  'fail-cgroupv1',
  'runonce',
  'enable-load-reader',
  // kube-proxy
  'masquerade-all',
  'cleanup',
  'bind-address-hard-fail',
  'iptables-localhost-nodeports',
  'init-only',
]);

export interface ParsedFlags {
  /** Last value of each flag (name without dashes); a bare flag is "true". */
  flags: Record<string, string>;
  /** Every value of each flag, in order. */
  flagValues: Record<string, string[]>;
  /** Words that are not flags (positional arguments). */
  args: string[];
}

/**
 * Parses a component's arguments (without the executable) as pflag / Go flag do: `--flag=value`,
 * `--flag value`, `-flag` / `-flag=value` (etcd), bare boolean flags; `--` ends the flags.
 */
export function parseFlags(argv: readonly string[]): ParsedFlags {
  const flags: Record<string, string> = {};
  const flagValues: Record<string, string[]> = {};
  const args: string[] = [];
  const set = (name: string, value: string) => {
    flags[name] = value;
    (flagValues[name] ??= []).push(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (!tok.startsWith('-') || tok === '-') {
      args.push(tok);
      continue;
    }
    const body = tok.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) {
      set(body.slice(0, eq), body.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (!BOOL_FLAGS.has(body) && next !== undefined && !next.startsWith('-')) {
      set(body, next);
      i++;
    } else set(body, 'true');
  }
  return { flags, flagValues, args };
}

/** Splits a command string ("kubelet --a=b --c 'd e'") into words as a shell would, without expansion. */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) current += line[++i];
      else current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) out.push(current);
  return out;
}

/** Comma-separated flag value as a list: trimmed, empties dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `A=true,B=false` -> `{A: true, B: false}`; a value that is not a boolean is kept as a string. */
export function parseFeatureGates(value: string | undefined): Record<string, boolean | string> {
  const out: Record<string, boolean | string> = {};
  if (!value) return out;
  for (const part of splitList(value)) {
    const eq = part.indexOf('=');
    const name = (eq >= 0 ? part.slice(0, eq) : part).trim();
    const raw = eq >= 0 ? part.slice(eq + 1).trim() : 'true';
    const lower = raw.toLowerCase();
    out[name] = lower === 'true' ? true : lower === 'false' ? false : raw;
  }
  return out;
}

/** Upstream defaults (Kubernetes 1.32) of the flags CIS asks about, used when a flag is not given. */
export const FLAG_DEFAULTS: Record<Exclude<Component, 'kubelet'>, Record<string, string>> = {
  apiserver: {
    'anonymous-auth': 'true',
    profiling: 'true',
    'authorization-mode': 'AlwaysAllow',
    'service-account-lookup': 'true',
    'service-account-extend-token-expiration': 'true',
    'bind-address': '0.0.0.0',
    'secure-port': '6443',
  },
  controllerManager: {
    profiling: 'true',
    'use-service-account-credentials': 'false',
    'bind-address': '0.0.0.0',
    'terminated-pod-gc-threshold': '12500',
  },
  scheduler: { profiling: 'true', 'bind-address': '0.0.0.0' },
  etcd: {
    'client-cert-auth': 'false',
    'peer-client-cert-auth': 'false',
    'auto-tls': 'false',
    'peer-auto-tls': 'false',
    'data-dir': '${name}.etcd',
  },
  proxy: { 'metrics-bind-address': '127.0.0.1:10249' },
};

export interface Effective {
  effective: Record<string, JsonValue>;
  sources: Record<string, string>;
  lists: Record<string, string[]>;
  featureGates: Record<string, boolean | string>;
}

function listsOf(values: Record<string, JsonValue>): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') lists[k] = splitList(v);
    else if (Array.isArray(v)) lists[k] = v.map(String);
  }
  return lists;
}

/**
 * Effective flag values of apiserver / controller manager / scheduler / etcd: given flags, then (etcd) `ETCD_*`
 * environment variables, then the documented defaults.
 */
export function flagEffective(
  component: Exclude<Component, 'kubelet' | 'proxy'>,
  flags: Record<string, string>,
  env: Record<string, string> = {},
): Effective {
  const effective: Record<string, JsonValue> = {};
  const sources: Record<string, string> = {};
  for (const [k, v] of Object.entries(flags)) {
    effective[k] = v;
    sources[k] = 'flag';
  }
  if (component === 'etcd') {
    for (const [name, value] of Object.entries(env)) {
      if (!name.startsWith('ETCD_')) continue;
      const flag = name.slice(5).toLowerCase().replace(/_/g, '-');
      if (effective[flag] === undefined) {
        effective[flag] = value;
        sources[flag] = 'env';
      }
    }
  }
  for (const [k, v] of Object.entries(FLAG_DEFAULTS[component])) {
    if (effective[k] === undefined) {
      effective[k] = v;
      sources[k] = 'default';
    }
  }
  const gates =
    typeof effective['feature-gates'] === 'string' ? (effective['feature-gates'] as string) : undefined;
  return { effective, sources, lists: listsOf(effective), featureGates: parseFeatureGates(gates) };
}

// ---------------------------------------------------------------------------------------------
// kubelet
// ---------------------------------------------------------------------------------------------

type FieldType = 'bool' | 'int' | 'string' | 'list';

/** kubelet flag -> KubeletConfiguration field path and type. */
export const KUBELET_FLAG_FIELDS: Record<string, [string, FieldType]> = {
  'anonymous-auth': ['authentication.anonymous.enabled', 'bool'],
  'authentication-token-webhook': ['authentication.webhook.enabled', 'bool'],
  'authentication-token-webhook-cache-ttl': ['authentication.webhook.cacheTTL', 'string'],
  'client-ca-file': ['authentication.x509.clientCAFile', 'string'],
  'authorization-mode': ['authorization.mode', 'string'],
  'read-only-port': ['readOnlyPort', 'int'],
  port: ['port', 'int'],
  address: ['address', 'string'],
  'healthz-port': ['healthzPort', 'int'],
  'healthz-bind-address': ['healthzBindAddress', 'string'],
  'streaming-connection-idle-timeout': ['streamingConnectionIdleTimeout', 'string'],
  'make-iptables-util-chains': ['makeIPTablesUtilChains', 'bool'],
  'event-qps': ['eventRecordQPS', 'int'],
  'event-burst': ['eventBurst', 'int'],
  'tls-cert-file': ['tlsCertFile', 'string'],
  'tls-private-key-file': ['tlsPrivateKeyFile', 'string'],
  'tls-cipher-suites': ['tlsCipherSuites', 'list'],
  'tls-min-version': ['tlsMinVersion', 'string'],
  'rotate-certificates': ['rotateCertificates', 'bool'],
  'rotate-server-certificates': ['serverTLSBootstrap', 'bool'],
  'pod-max-pids': ['podPidsLimit', 'int'],
  'seccomp-default': ['seccompDefault', 'bool'],
  'protect-kernel-defaults': ['protectKernelDefaults', 'bool'],
  'pod-manifest-path': ['staticPodPath', 'string'],
  'cgroup-driver': ['cgroupDriver', 'string'],
  'cluster-dns': ['clusterDNS', 'list'],
  'cluster-domain': ['clusterDomain', 'string'],
  'max-pods': ['maxPods', 'int'],
  'fail-swap-on': ['failSwapOn', 'bool'],
  'hairpin-mode': ['hairpinMode', 'string'],
  'container-runtime-endpoint': ['containerRuntimeEndpoint', 'string'],
  'resolv-conf': ['resolvConf', 'string'],
  'serialize-image-pulls': ['serializeImagePulls', 'bool'],
  'enable-server': ['enableServer', 'bool'],
  'enable-debugging-handlers': ['enableDebuggingHandlers', 'bool'],
};

/** KubeletConfiguration v1beta1 defaults of the fields CIS asks about (used with --config). */
export const KUBELET_CONFIG_DEFAULTS: Record<string, JsonValue> = {
  'authentication.anonymous.enabled': false,
  'authentication.webhook.enabled': true,
  'authorization.mode': 'Webhook',
  readOnlyPort: 0,
  makeIPTablesUtilChains: true,
  streamingConnectionIdleTimeout: '4h0m0s',
  eventRecordQPS: 50,
  rotateCertificates: false,
  serverTLSBootstrap: false,
  protectKernelDefaults: false,
  seccompDefault: false,
  podPidsLimit: -1,
  port: 10250,
};

/** Flag defaults, used when the kubelet runs without --config. */
export const KUBELET_FLAG_DEFAULTS: Record<string, JsonValue> = {
  ...KUBELET_CONFIG_DEFAULTS,
  'authentication.anonymous.enabled': true,
  'authentication.webhook.enabled': false,
  'authorization.mode': 'AlwaysAllow',
  readOnlyPort: 10255,
};

export function getPath(o: unknown, dotted: string): unknown {
  let cur: unknown = o;
  for (const part of dotted.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function setPath(o: Obj, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = o;
  for (const part of parts.slice(0, -1)) {
    if (!isObj(cur[part])) cur[part] = {};
    cur = cur[part] as Obj;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Deep merge: maps merge field by field, anything else in `over` replaces. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isObj(v) && isObj(out[k]) ? deepMerge(out[k] as Obj, v) : v;
  }
  return out;
}

/** Every leaf path of an object ("a.b.c"); arrays are leaves. */
function leafPaths(o: Obj, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && Object.keys(v).length) out.push(...leafPaths(v, p));
    else out.push(p);
  }
  return out;
}

function typed(value: string, type: FieldType): JsonValue {
  switch (type) {
    case 'bool': {
      const l = value.toLowerCase();
      return l === 'true' || l === '1' || l === 't'
        ? true
        : l === 'false' || l === '0' || l === 'f'
          ? false
          : value;
    }
    case 'int':
      return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    case 'list':
      return splitList(value);
    default:
      return value;
  }
}

export interface KubeletEffective extends Effective {
  /** Nested KubeletConfiguration-shaped effective values. */
  effective: Obj & Record<string, JsonValue>;
  defaultsFrom: 'config' | 'flags';
}

/**
 * The kubelet's effective configuration: defaults < config file < drop-ins (in order) < flags; config-file
 * `featureGates` win over `--feature-gates`. `sources` is keyed by field path.
 */
export function kubeletEffective(
  flags: Record<string, string>,
  config: Obj | null,
  dropIns: Obj[] = [],
): KubeletEffective {
  const usesConfig = flags.config !== undefined || config !== null;
  const defaults = usesConfig ? KUBELET_CONFIG_DEFAULTS : KUBELET_FLAG_DEFAULTS;
  const effective: Obj = {};
  const sources: Record<string, string> = {};
  for (const [p, v] of Object.entries(defaults)) {
    setPath(effective, p, v);
    sources[p] = 'default';
  }
  const layer = (o: Obj, source: string) => {
    for (const p of leafPaths(o)) {
      if (p === 'kind' || p === 'apiVersion') continue;
      setPath(effective, p, structuredClone(getPath(o, p)));
      sources[p] = source;
    }
  };
  if (config) layer(config, 'config');
  for (const d of dropIns) layer(d, 'dropin');
  const fileGates = { ...(isObj(config?.featureGates) ? config.featureGates : {}) } as Obj;
  for (const d of dropIns) if (isObj(d.featureGates)) Object.assign(fileGates, d.featureGates);
  for (const [flag, value] of Object.entries(flags)) {
    const field = KUBELET_FLAG_FIELDS[flag];
    if (!field) continue;
    setPath(effective, field[0], typed(value, field[1]));
    sources[field[0]] = 'flag';
  }
  const flagGates = parseFeatureGates(flags['feature-gates']);
  const featureGates = { ...flagGates, ...(fileGates as Record<string, boolean | string>) };
  if (Object.keys(featureGates).length) {
    effective.featureGates = featureGates;
    for (const g of Object.keys(featureGates))
      sources[`featureGates.${g}`] = g in fileGates ? 'config' : 'flag';
  }
  const lists: Record<string, string[]> = listsOf(flags);
  if (Array.isArray(effective.tlsCipherSuites))
    lists.tlsCipherSuites = (effective.tlsCipherSuites as unknown[]).map(String);
  return {
    effective: effective as Obj & Record<string, JsonValue>,
    sources,
    lists,
    featureGates,
    defaultsFrom: usesConfig ? 'config' : 'flags',
  };
}

/** kube-proxy config field -> flag name, for `effective` (flags win). */
export const PROXY_CONFIG_FLAGS: Record<string, string> = {
  metricsBindAddress: 'metrics-bind-address',
  bindAddress: 'bind-address',
  healthzBindAddress: 'healthz-bind-address',
  'clientConnection.kubeconfig': 'kubeconfig',
  mode: 'proxy-mode',
  clusterCIDR: 'cluster-cidr',
  hostnameOverride: 'hostname-override',
  enableProfiling: 'profiling',
  'iptables.masqueradeAll': 'masquerade-all',
};

export function proxyEffective(flags: Record<string, string>, config: Obj | null): Effective {
  const effective: Record<string, JsonValue> = {};
  const sources: Record<string, string> = {};
  for (const [k, v] of Object.entries(FLAG_DEFAULTS.proxy)) {
    effective[k] = v;
    sources[k] = 'default';
  }
  if (config) {
    for (const [field, flag] of Object.entries(PROXY_CONFIG_FLAGS)) {
      const v = getPath(config, field);
      if (v === undefined || v === null || v === '') continue;
      effective[flag] = typeof v === 'string' ? v : String(v);
      sources[flag] = 'config';
    }
  }
  for (const [k, v] of Object.entries(flags)) {
    effective[k] = v;
    sources[k] = 'flag';
  }
  const gates = {
    ...(isObj(config?.featureGates) ? (config.featureGates as Record<string, boolean>) : {}),
    ...parseFeatureGates(flags['feature-gates']),
  };
  return { effective, sources, lists: listsOf(effective), featureGates: gates };
}
