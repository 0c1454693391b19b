import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TargetUnreachableError, UsageError } from '../core/errors.js';
import type { FactTarget, JsonValue } from '../core/types.js';
import { ApiError, apiReason, connectKubernetes, liveSource, type LiveConnection } from './kubernetes/api.js';
import { createK8sCollectors, sharedContext, type K8sCollectContext } from './kubernetes/index.js';
import { loadManifests, manifestSource } from './kubernetes/manifests.js';
import { obj, str } from './kubernetes/util.js';
import { runCollectors } from './runner.js';

export interface K8sCollectOptions {
  kubeconfig?: string;
  context?: string;
  /** `--manifests` inputs (files, directories, `-`). */
  manifests?: string[];
  nodeRoot?: string;
  namespaces?: string[];
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Standard input text for `--manifests -`. */
  stdin?: () => string;
  log?: (msg: string) => void;
}

/** Probes the API (`GET /version`); unreachable or unauthenticated servers end the run with exit 3. */
async function probe(conn: LiveConnection): Promise<Record<string, unknown>> {
  try {
    return await conn.get('/version');
  } catch (err) {
    if (err instanceof ApiError && (err.statusCode === 401 || err.statusCode >= 500)) {
      throw new TargetUnreachableError(
        `the Kubernetes API at ${conn.server} refused the request: ${apiReason(err)}`,
        err.statusCode === 401 ? 'check the credentials of the kubeconfig context' : undefined,
      );
    }
    if (err instanceof ApiError) return {};
    throw err;
  }
}

/**
 * Collects every Kubernetes fact of one target: a live cluster (kubeconfig / context / in-cluster), a set of
 * manifests, and/or a node root. Throws TargetUnreachableError when the API cannot be reached.
 */
export async function collectK8sTarget(opts: K8sCollectOptions = {}): Promise<FactTarget> {
  const log = opts.log ?? (() => undefined);
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const namespaces = (opts.namespaces ?? [])
    .flatMap((n) => n.split(','))
    .map((n) => n.trim())
    .filter(Boolean);
  let nodeRoot: string | undefined;
  if (opts.nodeRoot) {
    nodeRoot = resolve(cwd, opts.nodeRoot);
    if (!existsSync(nodeRoot))
      throw new UsageError(
        `--node-root ${opts.nodeRoot}: no such directory`,
        "pass the directory where the node's filesystem is mounted",
      );
  }
  const ctx: K8sCollectContext = { ...(nodeRoot ? { nodeRoot } : {}) };
  const meta: Record<string, JsonValue> = {
    mode: 'node',
    server: null,
    context: null,
    nodeRoot: nodeRoot ?? null,
    namespaces: namespaces.length ? namespaces : null,
  };
  let id: string | undefined;
  let name: string | undefined;
  let conn: LiveConnection | undefined;

  if (opts.manifests?.length) {
    if (opts.kubeconfig || opts.context)
      throw new UsageError('give either --manifests or a live cluster (--kubeconfig/--context), not both');
    const load = loadManifests(opts.manifests, { cwd, ...(opts.stdin ? { stdin: opts.stdin } : {}) });
    for (const p of load.problems)
      log(`manifest problem: ${p.file}${p.line ? `:${p.line}` : ''} (document ${p.document}): ${p.message}`);
    const defaultNamespace = namespaces.length === 1 ? namespaces[0] : 'default';
    ctx.source = manifestSource(load, { namespaces, defaultNamespace });
    ctx.manifests = load;
    ctx.defaultNamespace = defaultNamespace;
    meta.mode = 'manifests';
    meta.manifestProblems = load.problems.length;
    meta.manifestFiles = load.files.length;
    id = `manifests:${load.root}`;
    name = opts.manifests.join(', ');
  } else {
    let wantLive = true;
    if (nodeRoot && !opts.kubeconfig && !opts.context) {
      // node-only when nothing points at a cluster
      const home = env.HOME ?? '';
      wantLive =
        Boolean(env.KUBECONFIG) || existsSync(`${home}/.kube/config`) || Boolean(env.KUBERNETES_SERVICE_HOST);
    }
    if (wantLive) {
      conn = connectKubernetes({ kubeconfig: opts.kubeconfig, context: opts.context, env });
      const version = await probe(conn);
      const source = liveSource(conn, { namespaces, concurrency: opts.concurrency ?? 8, log });
      ctx.source = source;
      meta.mode = 'live';
      meta.server = conn.server;
      meta.context = conn.context;
      meta.gitVersion = str(version.gitVersion) ?? null;
      const kubeSystem = await conn.get('/api/v1/namespaces/kube-system').catch(() => undefined);
      const uid = str(obj(kubeSystem?.metadata).uid);
      id = uid ? `k8s:${uid}` : `k8s:${conn.server}`;
      name = conn.cluster || conn.server;
    }
  }

  const shared = sharedContext(ctx);
  const { facts, errors } = await runCollectors(createK8sCollectors(ctx, shared), {
    runningOnly: false,
    concurrency: opts.concurrency ?? 8,
    log,
  });
  if (!id) {
    const info = await shared.node().catch(() => undefined);
    id = `node:${info?.name ?? 'unknown'}`;
    name = info?.name ?? nodeRoot ?? 'node';
  }
  const platform = str(obj(facts['k8s.platform']).name);
  if (conn && ctx.source && 'requests' in ctx.source)
    meta.requests = (ctx.source as { requests: number }).requests;
  return {
    id,
    kind: 'kubernetes',
    name: name ?? id,
    ...(platform ? { platform } : {}),
    meta,
    facts,
    errors,
  };
}
