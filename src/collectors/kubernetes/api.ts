/**
 * Live Kubernetes API access: kubeconfig / context / in-cluster service account through
 * @kubernetes/client-node (authentication and TLS), and a read-only JSON client that only ever sends GET.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import { slim } from './manifests.js';
import { KINDS, resourceName, type K8sSource, type KindName, type KindSpec } from './kinds.js';
import { Gate, isObj, obj, objs, str, type Obj } from './util.js';

export const REQUEST_TIMEOUT_MS = 60_000;
export const PAGE_SIZE = 500;
const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LiveConnection {
  server: string;
  context: string;
  cluster: string;
  /** GET a path relative to the server and parse its JSON body. Rejects with ApiError on HTTP errors. */
  get(pathAndQuery: string): Promise<Obj>;
}

/** An HTTP error from the API server; `message` is the API's own message. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Loads the kubeconfig the way kubectl does: --kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster. */
export function loadKubeConfig(opts: ConnectOptions): { kc: KubeConfig; origin: string } {
  const env = opts.env ?? process.env;
  const kc = new KubeConfig();
  let origin: string;
  try {
    if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig))
        throw new UsageError(
          `--kubeconfig ${opts.kubeconfig}: no such file`,
          'pass the path of a kubeconfig file',
        );
      kc.loadFromFile(opts.kubeconfig);
      origin = opts.kubeconfig;
    } else if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f && existsSync(f));
      if (!files.length)
        throw new UsageError(
          `KUBECONFIG=${env.KUBECONFIG}: no such file`,
          'set KUBECONFIG or pass --kubeconfig',
        );
      kc.loadFromFile(files[0] as string);
      for (const f of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        kc.mergeConfig(more);
      }
      origin = files.join(path.delimiter);
    } else {
      const home = env.HOME ?? os.homedir();
      const file = path.join(home, '.kube', 'config');
      if (existsSync(file)) {
        kc.loadFromFile(file);
        origin = file;
      } else if (env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) {
        kc.loadFromCluster();
        origin = 'in-cluster service account';
      } else {
        throw new UsageError(
          'no Kubernetes configuration found',
          'pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, run inside a cluster, or use --manifests',
        );
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read the kubeconfig: ${(err as Error).message}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new UsageError(
        `--context ${opts.context}: no such context in ${origin}`,
        `available: ${kc
          .getContexts()
          .map((c) => c.name)
          .join(', ')}`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster())
    throw new UsageError(`the kubeconfig (${origin}) has no current context/cluster`);
  return { kc, origin };
}

function requestJson(url: URL, options: https.RequestOptions): Promise<{ status: number; body: unknown }> {
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { ...options, method: 'GET', timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // keep the text (an HTML error page from a proxy, say)
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** A connection that can only GET. Authentication options are re-applied per call (exec plugins refresh). */
export function connectKubernetes(opts: ConnectOptions): LiveConnection {
  const { kc } = loadKubeConfig(opts);
  const cluster = kc.getCurrentCluster()!;
  const server = cluster.server.replace(/\/+$/, '');
  let cached: { at: number; options: https.RequestOptions } | undefined;
  const requestOptions = async (): Promise<https.RequestOptions> => {
    if (cached && Date.now() - cached.at < 30_000) return cached.options;
    const options: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    cached = { at: Date.now(), options };
    return options;
  };
  return {
    server,
    context: kc.getCurrentContext(),
    cluster: cluster.name,
    async get(pathAndQuery) {
      const options = await requestOptions();
      const url = new URL(server + pathAndQuery);
      let res: { status: number; body: unknown };
      try {
        res = await requestJson(url, {
          ...options,
          headers: { ...(options.headers ?? {}), Accept: 'application/json', 'User-Agent': 'rampart' },
        });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new TargetUnreachableError(
          `cannot reach the Kubernetes API at ${server}: ${e.code ? `${e.code} ` : ''}${e.message}`,
          'check --kubeconfig/--context and that the API server is reachable',
        );
      }
      if (res.status >= 200 && res.status < 300 && isObj(res.body)) return res.body;
      const message =
        str(obj(res.body).message) ??
        (typeof res.body === 'string' && res.body ? res.body.slice(0, 200) : `status ${res.status}`);
      throw new ApiError(res.status, message);
    },
  };
}

/** Describes an API failure as `HTTP 403: <message>`. */
export function apiReason(err: unknown): string {
  if (err instanceof ApiError) return `HTTP ${err.statusCode}: ${err.message}`;
  return (err as Error)?.message ?? String(err);
}

export function listPath(spec: KindSpec, namespace?: string): string {
  const base = spec.group ? `/apis/${spec.group}/${spec.version}` : `/api/${spec.version}`;
  return namespace && spec.namespaced
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${spec.plural}`
    : `${base}/${spec.plural}`;
}

export interface LiveSourceOptions {
  namespaces?: string[];
  concurrency?: number;
  pageSize?: number;
  log?: (msg: string) => void;
}

/** Thrown by a source when a kind cannot be listed; the message names the kind and the API's reason. */
export class ListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListError';
  }
}

/** Live source: each kind listed once (paginated), cached; at most `concurrency` requests in flight. */
export function liveSource(
  conn: LiveConnection,
  opts: LiveSourceOptions = {},
): K8sSource & { requests: number } {
  const gate = new Gate(opts.concurrency ?? 8);
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  const cache = new Map<string, Promise<Obj[]>>();
  let groupsPromise: Promise<Set<string>> | undefined;
  const state = { requests: 0 };
  const get = (p: string) =>
    gate.run(() => {
      state.requests++;
      return conn.get(p);
    });

  const groups = (): Promise<Set<string>> => {
    groupsPromise ??= get('/apis').then((list) => {
      const out = new Set<string>();
      for (const g of objs(list.groups))
        for (const v of objs(g.versions)) if (str(v.groupVersion)) out.add(v.groupVersion as string);
      return out;
    });
    return groupsPromise;
  };

  async function listAll(spec: KindSpec, namespace?: string): Promise<Obj[]> {
    const items: Obj[] = [];
    let cont: string | undefined;
    do {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (cont) q.set('continue', cont);
      const page = await get(`${listPath(spec, namespace)}?${q.toString()}`);
      const kind = spec.kind;
      const apiVersion = spec.group ? `${spec.group}/${spec.version}` : spec.version;
      for (const item of objs(page.items)) {
        // list items carry no kind/apiVersion; add them so workloads and messages can name them
        item.kind ??= kind;
        item.apiVersion ??= apiVersion;
        items.push(slim(item));
      }
      cont = str(obj(page.metadata).continue) || undefined;
    } while (cont);
    return items;
  }

  async function list(name: KindName): Promise<Obj[]> {
    const spec: KindSpec = KINDS[name];
    try {
      if (spec.optional) {
        const served = await groups().catch(() => undefined);
        const gv = spec.group ? `${spec.group}/${spec.version}` : spec.version;
        if (served && !served.has(gv)) return [];
      }
      const nsFilter = spec.namespaced && opts.namespaces?.length ? opts.namespaces : undefined;
      if (name === 'Namespace' && opts.namespaces?.length) {
        // the namespaces themselves are cluster-scoped: keep only the chosen ones
        const wanted = new Set(opts.namespaces);
        return (await listAll(spec)).filter((n) => wanted.has(str(obj(n.metadata).name) ?? ''));
      }
      if (!nsFilter) return await listAll(spec);
      const parts = await Promise.all(nsFilter.map((ns) => listAll(spec, ns)));
      return parts.flat();
    } catch (err) {
      if (err instanceof TargetUnreachableError) throw err;
      if (spec.optional && err instanceof ApiError && err.statusCode === 404) return [];
      throw new ListError(`cannot list ${resourceName(spec)}: ${apiReason(err)}`);
    }
  }

  return {
    mode: 'live',
    get requests() {
      return state.requests;
    },
    list(name) {
      let p = cache.get(name);
      if (!p) {
        p = list(name);
        cache.set(name, p);
        p.then(
          (items) => opts.log?.(`listed ${items.length} ${KINDS[name].plural}`),
          () => undefined,
        );
      }
      return p;
    },
    async version() {
      return get('/version');
    },
    async configMap(namespace, name) {
      try {
        return await get(
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps/${encodeURIComponent(name)}`,
        );
      } catch {
        return undefined;
      }
    },
    groups,
  };
}
