/**
 * Live target kinds the CLI can collect from. `scan <target>` and `collect <target>` take their choices and
 * options from here; each kind loads its collectors on demand so other commands stay fast.
 */
import type { Options } from 'yargs';
import type { FactTarget } from '../core/types.js';
import { progressLogger, type CliIO } from './io.js';
import { dockerOptions } from './options.js';

export interface LiveTargetKind {
  /** CLI word (`scan docker`). */
  name: string;
  aliases?: string[];
  options: Record<string, Options>;
  collect(args: Record<string, unknown>, io: CliIO): Promise<FactTarget>;
}

const docker: LiveTargetKind = {
  name: 'docker',
  options: dockerOptions,
  async collect(args, io) {
    const { collectDockerTarget } = await import('../collectors/docker-target.js');
    return collectDockerTarget({
      dockerHost: args['docker-host'] as string | undefined,
      hostRoot: args['host-root'] as string | undefined,
      runningOnly: Boolean(args['running-only']),
      concurrency: Number(args.concurrency ?? 16),
      env: io.env,
      log: progressLogger(io, Boolean(args.verbose)),
    });
  },
};

const kubernetesOptions = {
  kubeconfig: {
    type: 'string',
    describe: 'Kubernetes: kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)',
  },
  context: {
    type: 'string',
    describe: 'Kubernetes: kubeconfig context to use (default: the current context)',
  },
  manifests: {
    type: 'string',
    array: true,
    describe: 'Kubernetes: assess manifest files instead of a live cluster (file, directory or - for stdin)',
  },
  'node-root': {
    type: 'string',
    describe: "Kubernetes: root of the node's filesystem for node checks (kubelet, control-plane files)",
  },
  namespace: {
    type: 'string',
    array: true,
    describe: 'Kubernetes: only these namespaces (repeatable); cluster-scoped kinds are still read',
  },
} satisfies Record<string, Options>;

const kubernetes: LiveTargetKind = {
  name: 'kubernetes',
  aliases: ['k8s'],
  options: kubernetesOptions,
  async collect(args, io) {
    const { collectK8sTarget } = await import('../collectors/k8s-target.js');
    return collectK8sTarget({
      kubeconfig: args.kubeconfig as string | undefined,
      context: args.context as string | undefined,
      manifests: args.manifests as string[] | undefined,
      nodeRoot: args['node-root'] as string | undefined,
      namespaces: args.namespace as string[] | undefined,
      concurrency: Number(args.concurrency ?? 8),
      env: io.env,
      cwd: io.cwd,
      log: progressLogger(io, Boolean(args.verbose)),
    });
  },
};

export const TARGET_KINDS: LiveTargetKind[] = [docker, kubernetes];

export function targetChoices(): string[] {
  return TARGET_KINDS.flatMap((k) => [k.name, ...(k.aliases ?? [])]);
}

export function targetKind(word: string): LiveTargetKind | undefined {
  return TARGET_KINDS.find((k) => k.name === word || k.aliases?.includes(word));
}

export function allTargetOptions(): Record<string, Options> {
  return Object.assign({}, ...TARGET_KINDS.map((k) => k.options)) as Record<string, Options>;
}
