import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { engineGet, requireDocker } from './api.js';

interface SwarmInfo {
  LocalNodeState?: string;
  ControlAvailable?: boolean;
}

/**
 * `docker.swarm`: `{ state, controlAvailable, swarm, nodes }`. `swarm` (GET /swarm, JoinTokens dropped)
 * and `nodes` (GET /nodes) are only read on a manager; elsewhere they are null.
 */
export const dockerSwarmCollector: Collector = {
  id: 'docker.swarm',
  target: 'docker',
  description: 'Swarm state; cluster and nodes on a manager (GET /swarm, GET /nodes)',
  dependsOn: ['docker.engine'],
  async collect(ctx, facts) {
    const docker = requireDocker(ctx);
    const engine = facts['docker.engine'] as { info?: { Swarm?: SwarmInfo } } | undefined;
    const info = engine?.info ?? (await engineGet<{ Swarm?: SwarmInfo }>(docker, '/info'));
    const state = info.Swarm?.LocalNodeState || 'inactive';
    const controlAvailable = info.Swarm?.ControlAvailable === true;
    if (!controlAvailable) return { state, controlAvailable, swarm: null, nodes: null };
    const [swarm, nodes] = await Promise.all([
      engineGet<{ [key: string]: JsonValue }>(docker, '/swarm'),
      engineGet<JsonValue[]>(docker, '/nodes'),
    ]);
    delete swarm.JoinTokens;
    return { state, controlAvailable, swarm, nodes };
  },
};
