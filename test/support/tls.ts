/** Throwaway TLS material for a TLS-protected private dockerd (openssl CLI, EC P-256 keys, 1 day). */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TlsMaterial {
  /** ca.pem, server.pem, server-key.pem for dockerd */
  serverDir: string;
  /** ca.pem, cert.pem, key.pem: a DOCKER_CERT_PATH that works */
  clientDir: string;
  /** the same client certificate but another CA: the server is not trusted */
  wrongCaDir: string;
  /** only ca.pem: no client certificate to offer */
  noClientCertDir: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function ca(dir: string, name: string): void {
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
    ].concat(['-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-subj', `/CN=${name}`]),
    dir,
  );
}

function leaf(dir: string, name: string, usage: string, san?: string): void {
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ]),
    dir,
  );
  const ext = `${name}.ext`;
  writeFileSync(path.join(dir, ext), `extendedKeyUsage=${usage}\n${san ? `subjectAltName=${san}\n` : ''}`);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca-key.pem',
      '-CAcreateserial',
      '-days',
      '1',
    ].concat(['-out', `${name}.pem`, '-extfile', ext]),
    dir,
  );
}

/** Create CA, server and client certificates under `dir`. */
export function makeTlsMaterial(dir: string): TlsMaterial {
  const work = path.join(dir, 'pki');
  mkdirSync(work, { recursive: true });
  ca(work, 'ca');
  ca(work, 'other-ca');
  leaf(work, 'server', 'serverAuth', 'IP:127.0.0.1,DNS:localhost');
  leaf(work, 'client', 'clientAuth');

  const serverDir = path.join(dir, 'server');
  const clientDir = path.join(dir, 'client');
  const wrongCaDir = path.join(dir, 'wrong-ca');
  const noClientCertDir = path.join(dir, 'no-client-cert');
  for (const d of [serverDir, clientDir, wrongCaDir, noClientCertDir]) mkdirSync(d, { recursive: true });
  copyFileSync(path.join(work, 'ca.pem'), path.join(serverDir, 'ca.pem'));
  copyFileSync(path.join(work, 'server.pem'), path.join(serverDir, 'server.pem'));
  copyFileSync(path.join(work, 'server-key.pem'), path.join(serverDir, 'server-key.pem'));
  chmodSync(path.join(serverDir, 'ca.pem'), 0o444);
  chmodSync(path.join(serverDir, 'server.pem'), 0o444);
  chmodSync(path.join(serverDir, 'server-key.pem'), 0o400);
  for (const d of [clientDir, wrongCaDir]) {
    copyFileSync(path.join(work, 'client.pem'), path.join(d, 'cert.pem'));
    copyFileSync(path.join(work, 'client-key.pem'), path.join(d, 'key.pem'));
  }
  copyFileSync(path.join(work, 'ca.pem'), path.join(clientDir, 'ca.pem'));
  copyFileSync(path.join(work, 'other-ca.pem'), path.join(wrongCaDir, 'ca.pem'));
  copyFileSync(path.join(work, 'ca.pem'), path.join(noClientCertDir, 'ca.pem'));
  return { serverDir, clientDir, wrongCaDir, noClientCertDir };
}
