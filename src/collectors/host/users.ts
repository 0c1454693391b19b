import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { HostFs, readAccounts, requireHostRoot, type Accounts } from './hostfs.js';

/** The docker group: its gid and members (explicit members plus users whose primary group it is). */
export function dockerGroupFact(accounts: Accounts, name = 'docker'): Record<string, JsonValue> {
  for (const [gid, group] of accounts.groups) {
    if (group.name !== name) continue;
    const members = new Set(group.members);
    for (const [user, primary] of accounts.primaryGid) if (primary === gid) members.add(user);
    return { name, exists: true, gid, members: [...members].sort() };
  }
  return { name, exists: false, gid: null, members: [] };
}

/**
 * `host.users`: the group that owns the Docker socket (`docker`, or dockerd's `--group`/`group`).
 */
export const hostUsersCollector: Collector = {
  id: 'host.users',
  target: 'docker',
  description: 'Members of the docker group (/etc/group, /etc/passwd)',
  dependsOn: ['host.daemon'],
  async collect(ctx, facts) {
    const hostFs = new HostFs(requireHostRoot(ctx));
    const accounts = await readAccounts(hostFs);
    const daemon = facts['host.daemon'] as { effective?: Record<string, JsonValue> } | undefined;
    const configured = daemon?.effective?.group;
    const name = typeof configured === 'string' && configured !== '' ? configured : 'docker';
    return { dockerGroup: dockerGroupFact(accounts, name) };
  },
};
