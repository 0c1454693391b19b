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

export const TARGET_KINDS: LiveTargetKind[] = [docker];

export function targetChoices(): string[] {
  return TARGET_KINDS.flatMap((k) => [k.name, ...(k.aliases ?? [])]);
}

export function targetKind(word: string): LiveTargetKind | undefined {
  return TARGET_KINDS.find((k) => k.name === word || k.aliases?.includes(word));
}

export function allTargetOptions(): Record<string, Options> {
  return Object.assign({}, ...TARGET_KINDS.map((k) => k.options)) as Record<string, Options>;
}
