import type { Collector } from '../types.js';
import { dockerContainersCollector } from './containers.js';
import { dockerEngineCollector } from './engine.js';
import { dockerImagesCollector } from './images.js';
import { dockerNetworksCollector } from './networks.js';
import { dockerSwarmCollector } from './swarm.js';

export { connectDocker, pingDocker, parseDockerHost, describeConnectionError } from './connection.js';
export type { DockerConnection, ConnectOptions, DockerEndpoint } from './connection.js';
export {
  dockerContainersCollector,
  dockerEngineCollector,
  dockerImagesCollector,
  dockerNetworksCollector,
  dockerSwarmCollector,
};

/** Every Docker engine collector, in a dependency-respecting order. */
export const allDockerCollectors: readonly Collector[] = [
  dockerEngineCollector,
  dockerContainersCollector,
  dockerImagesCollector,
  dockerNetworksCollector,
  dockerSwarmCollector,
];
