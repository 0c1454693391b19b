import { expect } from 'chai';
import { parsePath, PathSyntaxError, resolve, resolveItems } from '../../src/evaluator/path.js';

describe('paths', () => {
  const doc = {
    HostConfig: { Privileged: true, PortBindings: { '80/tcp': [{ HostPort: '80' }], '443/tcp': null } },
    Config: { Labels: { 'com.example.tier': 'web' } },
    Mounts: [{ Source: '/etc' }, { Source: '/data' }],
  };
  const facts = { 'host.daemon': { effective: { 'no-new-privileges': true } } };

  it('reads dotted, indexed and quoted-key paths', () => {
    expect(resolve(parsePath('HostConfig.Privileged'), doc, facts)).to.equal(true);
    expect(resolve(parsePath('Mounts[1].Source'), doc, facts)).to.equal('/data');
    expect(resolve(parsePath('Config.Labels["com.example.tier"]'), doc, facts)).to.equal('web');
    expect(resolve(parsePath('.'), doc, facts)).to.equal(doc);
  });

  it('returns undefined for absent values, never throws on missing parents', () => {
    expect(resolve(parsePath('State.Health.Status'), doc, facts)).to.equal(undefined);
    expect(resolve(parsePath('Mounts[9].Source'), doc, facts)).to.equal(undefined);
  });

  it('reads other collectors through $facts', () => {
    expect(resolve(parsePath('$facts["host.daemon"].effective["no-new-privileges"]'), doc, facts)).to.equal(
      true,
    );
  });

  it('expands wildcards and flattens items for quantifiers, dropping nulls', () => {
    expect(resolve(parsePath('Mounts.*.Source'), doc, facts)).to.deep.equal(['/etc', '/data']);
    expect(resolveItems(parsePath('HostConfig.PortBindings.*'), doc, facts)).to.deep.equal([
      { HostPort: '80' },
    ]);
    expect(resolveItems(parsePath('Mounts'), doc, facts)).to.have.length(2);
    expect(resolveItems(parsePath('Nothing'), doc, facts)).to.deep.equal([]);
  });

  it('rejects malformed paths with the position', () => {
    expect(() => parsePath('a..b')).to.throw(PathSyntaxError, /empty segment/);
    expect(() => parsePath('a[b]')).to.throw(PathSyntaxError, /quoted key/);
    expect(() => parsePath('a["x"')).to.throw(PathSyntaxError, /missing "]"/);
  });
});
