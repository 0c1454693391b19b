import type Docker from 'dockerode';
import type { JsonValue } from '../core/types.js';

/** Everything a collector may use. Collectors never mutate the target. */
export interface CollectContext {
  /** Engine client (docker targets). */
  docker?: Docker;
  /** Engine address as given by the user or DOCKER_HOST, for messages ("unix:///var/run/docker.sock"). */
  dockerAddress?: string;
  /** True when the engine is reached over a local unix socket. */
  dockerLocal?: boolean;
  /** Root of the target host's filesystem (`--host-root`); undefined when host facts are unavailable. */
  hostRoot?: string;
  /** Only running containers (`--running-only`). */
  runningOnly: boolean;
  /** Maximum concurrent requests to the target. */
  concurrency: number;
  /** Progress/debug messages (stderr, only on a TTY or with --verbose). */
  log: (message: string) => void;
}

/**
 * A collector reads one kind of fact. `dependsOn` lists collectors whose data it needs
 * (passed in `facts`); if one of them failed, this collector is skipped with an error too.
 */
export interface Collector {
  id: string;
  target: 'docker' | 'kubernetes' | 'aws';
  description: string;
  dependsOn?: string[];
  collect(ctx: CollectContext, facts: Readonly<Record<string, JsonValue>>): Promise<JsonValue>;
}

/** Thrown by a collector when the fact legitimately cannot be collected; the message is the reason. */
export class CollectorUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectorUnavailable';
  }
}
