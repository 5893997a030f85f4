import { TerraformOutput } from 'cdktf';
import { GcpSecrets } from '../../../constructs/gcp/secrets';
import { resolved } from '../../fixtures';
import { resources, synth } from './helpers';

describe('GcpSecrets', () => {
  it('GIVEN two secrets WHEN synthesized THEN each has a derived id, auto replication, labels and one version', () => {
    const tf = synth((scope) => {
      const secrets = new GcpSecrets(scope, 'secrets', { spec: resolved('example') });
      secrets.add('database', { idSuffix: '-database', data: 'one', deletionProtection: true });
      secrets.add('cache', { idSuffix: '-cache', data: 'two' });
    });
    const secrets = resources(tf, 'google_secret_manager_secret');
    expect(secrets.map((s) => s.secret_id).sort()).toEqual(['shop-api-prd-cache', 'shop-api-prd-database']);
    for (const s of secrets) {
      expect(s.replication).toEqual({ auto: {} });
      expect(s.labels).toMatchObject({ app: 'shop-api', environment: 'prod', team: 'payments' });
    }
    expect(secrets.find((s) => s.secret_id.endsWith('database')).deletion_protection).toBe(true);
    expect(secrets.find((s) => s.secret_id.endsWith('cache')).deletion_protection).toBe(false);
    const versions = resources(tf, 'google_secret_manager_secret_version');
    expect(versions.map((v) => v.secret_data).sort()).toEqual(['one', 'two']);
    expect(Object.keys(tf.resource.google_secret_manager_secret).sort()).toEqual([
      expect.stringMatching(/^secrets_cache_[0-9A-F]{8}$/),
      expect.stringMatching(/^secrets_database_[0-9A-F]{8}$/),
    ]);
  });

  it('GIVEN a secret without data WHEN synthesized THEN the secret exists with no version (another writer adds them)', () => {
    const tf = synth((scope) => {
      const secrets = new GcpSecrets(scope, 'secrets', { spec: resolved('dev') });
      const added = secrets.add('app', { idSuffix: '-app' });
      expect(added.version).toBeUndefined();
    });
    expect(resources(tf, 'google_secret_manager_secret').map((s) => s.secret_id)).toEqual(['shop-api-dev-app']);
    expect(tf.resource.google_secret_manager_secret_version).toBeUndefined();
  });

  it('GIVEN a secret id already used WHEN added again THEN it throws instead of renaming', () => {
    synth((scope) => {
      const secrets = new GcpSecrets(scope, 'secrets', { spec: resolved('dev') });
      secrets.add('cache', { idSuffix: '-cache', data: 'x' });
      expect(() => secrets.add('cache', { idSuffix: '-cache', data: 'y' })).toThrow('secret cache already exists');
    });
  });

  it('GIVEN secrets WHEN asked for their ids THEN one reference per secret, keyed by construct id', () => {
    const tf = synth((scope) => {
      const secrets = new GcpSecrets(scope, 'secrets', { spec: resolved('dev') });
      expect(secrets.secretIds).toEqual({});
      secrets.add('a', { idSuffix: '-a', data: 'x' });
      secrets.add('b', { idSuffix: '-b', data: 'y' });
      expect(Object.keys(secrets.secretIds)).toEqual(['a', 'b']);
      new TerraformOutput(scope, 'a', { value: secrets.secretIds.a });
    });
    expect(tf.output.a.value).toMatch(/^\$\{google_secret_manager_secret\.secrets_a_[0-9A-F]+\.id\}$/);
  });

  it('GIVEN overrides WHEN synthesized THEN they apply to every secret and version', () => {
    const tf = synth((scope) => {
      const secrets = new GcpSecrets(scope, 'secrets', {
        spec: resolved('dev'),
        overrides: {
          secret: (p) => ({ ...p, versionDestroyTtl: '86400s' }),
          version: (p) => ({ ...p, deletionPolicy: 'DISABLE' }),
        },
      });
      secrets.add('a', { idSuffix: '-a', data: 'x' });
    });
    expect(resources(tf, 'google_secret_manager_secret')[0].version_destroy_ttl).toBe('86400s');
    expect(resources(tf, 'google_secret_manager_secret_version')[0].deletion_policy).toBe('DISABLE');
  });
});
