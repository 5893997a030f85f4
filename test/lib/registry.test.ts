import { type ImageRegistry, registryOf } from '../../lib/registry';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('registryOf', () => {
  it.each<[string, ImageRegistry]>([
    // ECR: repository with tag, digest, both, none, nested namespaces; other regions and partitions.
    [
      `${ECR_HOST}/api:1.4.2`,
      { kind: 'ecr', host: ECR_HOST, account: '123456789012', region: 'us-east-1', repository: 'api' },
    ],
    [
      `${ECR_HOST}/api@${DIGEST}`,
      { kind: 'ecr', host: ECR_HOST, account: '123456789012', region: 'us-east-1', repository: 'api' },
    ],
    [
      `${ECR_HOST}/api:1.4.2@${DIGEST}`,
      { kind: 'ecr', host: ECR_HOST, account: '123456789012', region: 'us-east-1', repository: 'api' },
    ],
    [
      `${ECR_HOST}/api`,
      { kind: 'ecr', host: ECR_HOST, account: '123456789012', region: 'us-east-1', repository: 'api' },
    ],
    [
      `${ECR_HOST}/team/payments/api:v2`,
      { kind: 'ecr', host: ECR_HOST, account: '123456789012', region: 'us-east-1', repository: 'team/payments/api' },
    ],
    [
      '210987654321.dkr.ecr.ap-southeast-2.amazonaws.com/shop_api-v2:latest',
      {
        kind: 'ecr',
        host: '210987654321.dkr.ecr.ap-southeast-2.amazonaws.com',
        account: '210987654321',
        region: 'ap-southeast-2',
        repository: 'shop_api-v2',
      },
    ],
    [
      '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/api:1',
      {
        kind: 'ecr',
        host: '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com',
        account: '123456789012',
        region: 'us-gov-west-1',
        repository: 'api',
      },
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/api:1',
      {
        kind: 'ecr',
        host: '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn',
        account: '123456789012',
        region: 'cn-north-1',
        repository: 'api',
      },
    ],
    [
      '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/api:1',
      {
        kind: 'ecr',
        host: '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com',
        account: '123456789012',
        region: 'us-east-1',
        repository: 'api',
      },
    ],
    // Artifact Registry: region and multi-region hosts, nested image paths, tag, digest.
    [
      'us-central1-docker.pkg.dev/acme-prod/apps/api:1.4.2',
      {
        kind: 'artifactRegistry',
        host: 'us-central1-docker.pkg.dev',
        location: 'us-central1',
        project: 'acme-prod',
        repository: 'apps',
      },
    ],
    [
      `europe-docker.pkg.dev/acme-prod/apps/team/api@${DIGEST}`,
      {
        kind: 'artifactRegistry',
        host: 'europe-docker.pkg.dev',
        location: 'europe',
        project: 'acme-prod',
        repository: 'apps',
      },
    ],
    [
      'northamerica-northeast1-docker.pkg.dev/acme-prod/my-repo/a/b/c',
      {
        kind: 'artifactRegistry',
        host: 'northamerica-northeast1-docker.pkg.dev',
        location: 'northamerica-northeast1',
        project: 'acme-prod',
        repository: 'my-repo',
      },
    ],
    [
      'us-docker.pkg.dev/example.com/acme-prod/apps/api:1',
      {
        kind: 'artifactRegistry',
        host: 'us-docker.pkg.dev',
        location: 'us',
        project: 'example.com:acme-prod',
        repository: 'apps',
      },
    ],
    // ACR.
    ['acmeregistry.azurecr.io/api:1.4.2', { kind: 'acr', host: 'acmeregistry.azurecr.io' }],
    [`acmeregistry.azurecr.io/team/api@${DIGEST}`, { kind: 'acr', host: 'acmeregistry.azurecr.io' }],
  ])('%s → the cloud registry', (image, expected) => {
    expect(registryOf(image)).toEqual(expected);
  });

  it.each([
    // Public registries.
    'ghcr.io/acme/shop-api:1.4.2',
    'nginx:1.27',
    'nginx',
    'docker.io/library/nginx:latest',
    'public.ecr.aws/acme/api:1',
    'gcr.io/acme-prod/api:1',
    'quay.io/acme/api',
    'localhost:5000/api:1',
    // ECR look-alikes: the suffix must end the host, the account has 12 digits, the host comes first.
    `${ECR_HOST}.evil.example/api:1`,
    `${ECR_HOST}evil.com/api:1`,
    `evil.example/${ECR_HOST}/api:1`,
    '12345678901.dkr.ecr.us-east-1.amazonaws.com/api:1',
    '123456789012.dkr.ecr.us-east-1.amazonaws.co/api:1',
    '123456789012.ecr.us-east-1.amazonaws.com/api:1',
    `${ECR_HOST}:443/api:1`,
    `${ECR_HOST}`,
    `${ECR_HOST}/`,
    `${ECR_HOST}/API:1`,
    // Artifact Registry look-alikes: the host, then project, repository and an image.
    'docker.pkg.dev/acme-prod/apps/api:1',
    'us-central1-docker.pkg.dev.evil.example/acme-prod/apps/api:1',
    'us-central1-docker-pkg.dev/acme-prod/apps/api:1',
    'evil.example/us-central1-docker.pkg.dev/acme-prod/apps/api:1',
    'us-central1-docker.pkg.dev/acme-prod/apps:1',
    'us-central1-docker.pkg.dev/acme-prod',
    'us-central1-docker.pkg.dev/1acme/apps/api',
    'us-central1-docker.pkg.dev/acme-prod/apps_/api',
    'us-central1-maven.pkg.dev/acme-prod/apps/api',
    // ACR look-alikes.
    'acmeregistry.azurecr.io.evil.example/api:1',
    'acmeregistry-azurecr.io/api:1',
    'acme.azurecr.io/api:1',
    'evil.example/acmeregistry.azurecr.io/api:1',
    // Malformed references.
    '',
    `${ECR_HOST}/api:`,
    `${ECR_HOST}/api@sha256:short`,
    `${ECR_HOST}//api`,
  ])('%j → public', (image) => {
    expect(registryOf(image)).toEqual({ kind: 'public' });
  });
});
