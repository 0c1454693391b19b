import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import type { JsonValue } from '../../core/types.js';
import type { Collector } from '../types.js';
import { HostFs, fsErrorReason, requireHostRoot } from './hostfs.js';

/** Rule lines of an audit rules file: comments and blank lines dropped, whitespace collapsed. */
export function parseAuditRules(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export interface AuditFiles {
  rules: string[];
  files: string[];
  errors: string[];
}

/** Rules from /etc/audit/audit.rules and /etc/audit/rules.d/*.rules (in name order) under the host root. */
export async function readAuditFiles(hostFs: HostFs): Promise<AuditFiles> {
  const candidates = ['/etc/audit/audit.rules'];
  for (const name of await hostFs.list('/etc/audit/rules.d').catch(() => [])) {
    if (name.endsWith('.rules')) candidates.push(`/etc/audit/rules.d/${name}`);
  }
  const out: AuditFiles = { rules: [], files: [], errors: [] };
  for (const file of candidates) {
    try {
      const text = await hostFs.readOptional(file);
      if (text === undefined) continue;
      out.files.push(file);
      out.rules.push(...parseAuditRules(text));
    } catch (error) {
      out.errors.push(`${file}: ${fsErrorReason(error)}`);
    }
  }
  return out;
}

const AUDITCTL_PATHS = ['/sbin/auditctl', '/usr/sbin/auditctl', '/usr/bin/auditctl', '/bin/auditctl'];

export type AuditctlFact = { available: boolean; rules?: string[]; error?: string };

/** `auditctl -l` (read-only listing). Only meaningful when the host root is this machine's `/`. */
export async function runAuditctl(timeoutMs = 5000): Promise<AuditctlFact> {
  let binary: string | undefined;
  for (const candidate of AUDITCTL_PATHS) {
    try {
      await access(candidate, constants.X_OK);
      binary = candidate;
      break;
    } catch {
      // not here
    }
  }
  if (!binary) return { available: false, error: 'auditctl is not installed' };
  const found = binary;
  return new Promise((resolve) => {
    execFile(found, ['-l'], { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || error.message).replace(/\s+/g, ' ').trim();
        resolve({ available: false, error: `${found} -l failed: ${detail}` });
        return;
      }
      const lines = parseAuditRules(stdout);
      resolve({ available: true, rules: lines.length === 1 && lines[0] === 'No rules' ? [] : lines });
    });
  });
}

/** `host.audit`: audit rules from the host's rule files, plus `auditctl -l` on the local host. */
export const hostAuditCollector: Collector = {
  id: 'host.audit',
  target: 'docker',
  description: 'Audit rules (/etc/audit/audit.rules, /etc/audit/rules.d, auditctl -l)',
  async collect(ctx) {
    const root = requireHostRoot(ctx);
    const hostFs = new HostFs(root);
    const files = await readAuditFiles(hostFs);
    const auditctl =
      root === '/'
        ? await runAuditctl()
        : { available: false, error: `auditctl is only run when the host root is / (host root is ${root})` };
    const fact: Record<string, JsonValue> = { rules: files.rules, files: files.files, auditctl };
    if (files.errors.length > 0) fact.errors = files.errors;
    return fact;
  },
};
