import type { Collector } from '../types.js';
import { hostAuditCollector } from './audit.js';
import { hostDaemonCollector } from './daemon.js';
import { hostEnvCollector } from './env.js';
import { hostFilesCollector } from './files.js';
import { hostMountsCollector } from './mounts.js';
import { hostUsersCollector } from './users.js';

export {
  hostAuditCollector,
  hostDaemonCollector,
  hostEnvCollector,
  hostFilesCollector,
  hostMountsCollector,
  hostUsersCollector,
};
export { REMOTE_ENGINE_REASON } from './hostfs.js';

/** Every host collector (read under --host-root), dependencies before dependents. */
export const allHostCollectors: readonly Collector[] = [
  hostDaemonCollector,
  hostFilesCollector,
  hostAuditCollector,
  hostUsersCollector,
  hostMountsCollector,
  hostEnvCollector,
];
