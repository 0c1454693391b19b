import { expect } from 'chai';
import {
  flagEffective,
  kubeletEffective,
  parseFeatureGates,
  parseFlags,
  proxyEffective,
  splitCommandLine,
} from '../../../src/collectors/kubernetes/flags.js';
import { componentOfArgv, parseEnvFile, parseUnit } from '../../../src/collectors/kubernetes/node.js';

describe('k8s component flags', () => {
  describe('parseFlags', () => {
    it('reads --flag=value, --flag value and bare flags', () => {
      const p = parseFlags([
        '--profiling=false',
        '--kubeconfig',
        '/etc/kubernetes/kubelet.conf',
        '--v=2',
        '--leader-elect',
      ]);
      expect(p.flags).to.deep.equal({
        profiling: 'false',
        kubeconfig: '/etc/kubernetes/kubelet.conf',
        v: '2',
        'leader-elect': 'true',
      });
      expect(p.args).to.deep.equal([]);
    });

    it('keeps the last value and every value of repeated flags', () => {
      const p = parseFlags([
        '--service-account-key-file=/a.pub',
        '--service-account-key-file',
        '/b.pub',
        '--tls-sni-cert-key=x.crt,x.key:x.example',
      ]);
      expect(p.flags['service-account-key-file']).to.equal('/b.pub');
      expect(p.flagValues['service-account-key-file']).to.deep.equal(['/a.pub', '/b.pub']);
    });

    it('never gives a boolean flag the next word, as pflag does', () => {
      const p = parseFlags(['--anonymous-auth', 'false', '--authorization-mode', 'Webhook']);
      expect(p.flags['anonymous-auth']).to.equal('true');
      expect(p.args).to.deep.equal(['false']);
      expect(p.flags['authorization-mode']).to.equal('Webhook');
    });

    it('reads etcd single-dash flags and stops at --', () => {
      const p = parseFlags([
        '-data-dir',
        '/var/lib/etcd',
        '-client-cert-auth',
        '-name=m1',
        '--',
        '--not-a-flag',
      ]);
      expect(p.flags).to.deep.equal({ 'data-dir': '/var/lib/etcd', 'client-cert-auth': 'true', name: 'm1' });
      expect(p.args).to.deep.equal(['--not-a-flag']);
    });

    it('does not take a following flag as a value', () => {
      const p = parseFlags(['--config', '--v=4']);
      expect(p.flags).to.deep.equal({ config: 'true', v: '4' });
    });

    it('keeps values containing = after the first one', () => {
      expect(parseFlags(['--feature-gates=A=true,B=false']).flags['feature-gates']).to.equal(
        'A=true,B=false',
      );
    });
  });

  it('splits command lines with quotes', () => {
    expect(splitCommandLine(`/usr/bin/kubelet --a=b "--c=d e" --f='g h' x"y"z`)).to.deep.equal([
      '/usr/bin/kubelet',
      '--a=b',
      '--c=d e',
      '--f=g h',
      'xyz',
    ]);
  });

  it('parses feature gates', () => {
    expect(parseFeatureGates('RotateKubeletServerCertificate=true, Foo=False,Bar')).to.deep.equal({
      RotateKubeletServerCertificate: true,
      Foo: false,
      Bar: true,
    });
  });

  it('recognises component executables, hyperkube included', () => {
    expect(componentOfArgv(['/usr/local/bin/kube-apiserver', '--x=1'])).to.deep.equal({
      component: 'apiserver',
      args: ['--x=1'],
    });
    expect(componentOfArgv(['hyperkube', 'kubelet', '--y'])?.component).to.equal('kubelet');
    expect(componentOfArgv(['hyperkube', 'proxy'])?.component).to.equal('proxy');
    expect(componentOfArgv(['/bin/bash'])).to.equal(undefined);
  });

  describe('effective values', () => {
    it('applies documented defaults for flags not given (apiserver)', () => {
      const e = flagEffective('apiserver', { 'authorization-mode': 'Node,RBAC', profiling: 'false' });
      expect(e.effective['anonymous-auth']).to.equal('true');
      expect(e.sources['anonymous-auth']).to.equal('default');
      expect(e.sources.profiling).to.equal('flag');
      expect(e.lists['authorization-mode']).to.deep.equal(['Node', 'RBAC']);
    });

    it('reports the insecure upstream default bind address of the controller manager', () => {
      const e = flagEffective('controllerManager', {});
      expect(e.effective['bind-address']).to.equal('0.0.0.0');
      expect(e.effective.profiling).to.equal('true');
    });

    it('reads etcd ETCD_* variables for flags not given', () => {
      const e = flagEffective(
        'etcd',
        { 'cert-file': '/pki/server.crt' },
        { ETCD_CLIENT_CERT_AUTH: 'true', ETCD_CERT_FILE: '/other.crt' },
      );
      expect(e.effective['client-cert-auth']).to.equal('true');
      expect(e.sources['client-cert-auth']).to.equal('env');
      expect(e.effective['cert-file']).to.equal('/pki/server.crt');
      expect(e.effective['peer-auto-tls']).to.equal('false');
    });

    it('parses feature gates from flags into lists and maps', () => {
      const e = flagEffective('controllerManager', {
        'feature-gates': 'RotateKubeletServerCertificate=false',
      });
      expect(e.featureGates).to.deep.equal({ RotateKubeletServerCertificate: false });
    });
  });

  describe('kubelet configuration', () => {
    const config = {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      authentication: { anonymous: { enabled: false }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' } },
      authorization: { mode: 'Webhook' },
      readOnlyPort: 0,
      featureGates: { RotateKubeletServerCertificate: true },
    };

    it('lets flags win over the config file, typed', () => {
      const e = kubeletEffective(
        { config: '/var/lib/kubelet/config.yaml', 'anonymous-auth': 'true', 'read-only-port': '10255' },
        config,
      );
      expect(e.effective).to.nested.include({
        'authentication.anonymous.enabled': true,
        readOnlyPort: 10255,
      });
      expect(e.sources['authentication.anonymous.enabled']).to.equal('flag');
      expect(e.sources['authorization.mode']).to.equal('config');
      expect(e.sources['authentication.x509.clientCAFile']).to.equal('config');
    });

    it('uses KubeletConfiguration defaults when a config file omits a field', () => {
      const e = kubeletEffective({ config: '/c.yaml' }, { kind: 'KubeletConfiguration' });
      expect(e.defaultsFrom).to.equal('config');
      expect(e.effective).to.nested.include({
        'authentication.anonymous.enabled': false,
        'authorization.mode': 'Webhook',
        readOnlyPort: 0,
        rotateCertificates: false,
        makeIPTablesUtilChains: true,
      });
      expect(e.sources['authorization.mode']).to.equal('default');
    });

    it('uses flag defaults without a config file', () => {
      const e = kubeletEffective({ kubeconfig: '/etc/kubernetes/kubelet.conf' }, null);
      expect(e.defaultsFrom).to.equal('flags');
      expect(e.effective).to.nested.include({
        'authentication.anonymous.enabled': true,
        'authorization.mode': 'AlwaysAllow',
        readOnlyPort: 10255,
      });
    });

    it('merges drop-ins after the config file and before flags', () => {
      const e = kubeletEffective({ config: '/c.yaml', 'event-qps': '5' }, config, [
        { readOnlyPort: 10255, eventRecordQPS: 1 },
        { authentication: { webhook: { enabled: false } } },
      ]);
      expect(e.effective).to.nested.include({
        readOnlyPort: 10255,
        eventRecordQPS: 5,
        'authentication.webhook.enabled': false,
        'authentication.anonymous.enabled': false,
      });
      expect(e.sources.readOnlyPort).to.equal('dropin');
      expect(e.sources.eventRecordQPS).to.equal('flag');
    });

    it('gives config-file feature gates precedence over --feature-gates', () => {
      const e = kubeletEffective(
        { config: '/c.yaml', 'feature-gates': 'RotateKubeletServerCertificate=false,Other=true' },
        config,
      );
      expect(e.featureGates).to.deep.equal({ RotateKubeletServerCertificate: true, Other: true });
      expect(e.sources['featureGates.RotateKubeletServerCertificate']).to.equal('config');
      expect(e.sources['featureGates.Other']).to.equal('flag');
    });

    it('turns --tls-cipher-suites into a list', () => {
      const e = kubeletEffective({ 'tls-cipher-suites': 'TLS_A, TLS_B' }, null);
      expect(e.effective.tlsCipherSuites).to.deep.equal(['TLS_A', 'TLS_B']);
      expect(e.lists.tlsCipherSuites).to.deep.equal(['TLS_A', 'TLS_B']);
    });
  });

  it('kube-proxy: default metrics address, config file values, flags win', () => {
    expect(proxyEffective({}, null).effective['metrics-bind-address']).to.equal('127.0.0.1:10249');
    const fromConfig = proxyEffective({}, { metricsBindAddress: '0.0.0.0:10249' });
    expect(fromConfig.effective['metrics-bind-address']).to.equal('0.0.0.0:10249');
    expect(fromConfig.sources['metrics-bind-address']).to.equal('config');
    const flag = proxyEffective(
      { 'metrics-bind-address': '127.0.0.1:9999' },
      { metricsBindAddress: '0.0.0.0:1' },
    );
    expect(flag.effective['metrics-bind-address']).to.equal('127.0.0.1:9999');
  });

  it('parses systemd units and environment files', () => {
    const unit = parseUnit(
      '[Service]\nEnvironment="A=--x=1"\nEnvironment="B=--y \\\n --z"\nExecStart=\nExecStart=/usr/bin/kubelet $A $B\n',
    );
    expect(unit.get('Service.ExecStart')).to.deep.equal(['', '/usr/bin/kubelet $A $B']);
    expect(unit.get('Service.Environment')).to.have.length(2);
    expect(
      parseEnvFile(
        '# c\nKUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/c.sock"\nexport X=1\n',
      ),
    ).to.deep.equal({
      KUBELET_KUBEADM_ARGS: '--container-runtime-endpoint=unix:///run/c.sock',
      X: '1',
    });
  });
});
