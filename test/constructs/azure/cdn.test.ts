import { Testing } from 'cdktf';
import { AzureCdn, COMPRESSED_TYPES, frontDoorOrigin } from '../../../constructs/azure/cdn';
import type { ResolvedSpec } from '../../../lib/resolve';
import { resolved } from '../../fixtures';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON is untyped
type Json = Record<string, any>;

const all = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const ORIGIN = 'shop-api-prd-abc123.eastus.cloudapp.azure.com';

function build(spec: ResolvedSpec) {
  let cdn: AzureCdn | undefined;
  const json = JSON.parse(
    Testing.synthScope((scope) => {
      cdn = new AzureCdn(scope, 'Cdn', {
        spec,
        where: { resourceGroupName: 'rg', location: 'eastus' },
        originHostName: ORIGIN,
      });
    }),
  ) as Json;
  return { json, cdn: cdn as AzureCdn };
}
const route = (json: Json, name: string) => all(json, 'azurerm_cdn_frontdoor_route').find((r) => r.name === name);

describe('AzureCdn', () => {
  const { json, cdn } = build(resolved('prod', { cdn: { enabled: true, cachedPaths: ['/static/*', '/images/*'] } }));

  test('GIVEN the CDN on WHEN synthesized THEN a Standard Front Door profile points at the gateway', () => {
    expect(all(json, 'azurerm_cdn_frontdoor_profile')[0]).toMatchObject({
      sku_name: 'Standard_AzureFrontDoor',
      response_timeout_seconds: 60,
    });
    expect(all(json, 'azurerm_cdn_frontdoor_origin')[0]).toMatchObject({
      host_name: ORIGIN,
      origin_host_header: ORIGIN,
      certificate_name_check_enabled: true,
    });
    expect(all(json, 'azurerm_cdn_frontdoor_origin_group')[0]?.health_probe).toMatchObject({
      path: '/healthz',
      protocol: 'Http',
    });
  });

  test('GIVEN cachedPaths WHEN synthesized THEN their route caches and compresses, the default route does neither', () => {
    expect(route(json, 'cached')).toMatchObject({
      patterns_to_match: ['/static/*', '/images/*'],
      cache: { compression_enabled: true, content_types_to_compress: COMPRESSED_TYPES },
    });
    expect(route(json, 'default')?.patterns_to_match).toEqual(['/*']);
    expect(route(json, 'default')?.cache).toBeUndefined();
  });

  test('GIVEN any route WHEN synthesized THEN HTTP is redirected to HTTPS at the edge', () => {
    for (const r of all(json, 'azurerm_cdn_frontdoor_route')) {
      expect(r).toMatchObject({ https_redirect_enabled: true, supported_protocols: ['Http', 'Https'] });
    }
    expect(cdn.url).toMatch(/^https:\/\/\$\{TfToken/);
  });

  test('GIVEN "/*" among cachedPaths WHEN synthesized THEN the default route caches instead of duplicating the pattern', () => {
    const { json: all2 } = build(resolved('prod', { cdn: { enabled: true, cachedPaths: ['/*'] } }));
    expect(route(all2, 'cached')).toBeUndefined();
    expect(route(all2, 'default')?.cache).toMatchObject({ compression_enabled: true });
  });

  test('GIVEN HTTPS WHEN synthesized THEN the domain is a custom domain with a managed TLS 1.2 certificate and the origin is reached over HTTPS', () => {
    const { json: h, cdn: c } = build(resolved('example'));
    expect(all(h, 'azurerm_cdn_frontdoor_custom_domain')[0]).toMatchObject({
      host_name: 'api.shop.example.com',
      tls: { certificate_type: 'ManagedCertificate', minimum_tls_version: 'TLS12' },
    });
    // Front Door checks the origin certificate against host_name: the name the certificate covers
    // (cdn.originDomain, a CNAME to the gateway), not the gateway's cloudapp.azure.com name.
    expect(all(h, 'azurerm_cdn_frontdoor_origin')[0]).toMatchObject({
      host_name: 'origin.api.shop.example.com',
      origin_host_header: 'api.shop.example.com',
      certificate_name_check_enabled: true,
    });
    expect(route(h, 'default')?.forwarding_protocol).toBe('HttpsOnly');
    expect(route(h, 'default')?.cdn_frontdoor_custom_domain_ids).toHaveLength(1);
    expect(c.url).toBe('https://api.shop.example.com');
    const [assoc] = all(h, 'azurerm_cdn_frontdoor_custom_domain_association');
    expect(assoc?.cdn_frontdoor_route_ids).toHaveLength(2);
  });

  test('GIVEN HTTPS without cdn.originDomain WHEN built THEN it fails naming the field and the CNAME target', () => {
    const spec = resolved('prod', {
      loadBalancer: {
        https: { domain: 'api.example.com', certificate: { azure: 'https://kv-c.vault.azure.net/secrets/c' } },
      },
      cdn: { enabled: true },
    });
    expect(() => frontDoorOrigin(spec, ORIGIN)).toThrow(
      new RegExp(`cdn\\.originDomain.*${ORIGIN.replace(/\./g, '\\.')}`),
    );
    expect(frontDoorOrigin(resolved('prod', { cdn: { enabled: true } }), ORIGIN)).toEqual({
      hostName: ORIGIN,
      originHostHeader: ORIGIN,
    });
  });
});
