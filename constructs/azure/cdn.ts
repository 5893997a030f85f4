import {
  CdnFrontdoorCustomDomain,
  type CdnFrontdoorCustomDomainConfig,
} from '@cdktf/provider-azurerm/lib/cdn-frontdoor-custom-domain';
import { CdnFrontdoorCustomDomainAssociation } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-custom-domain-association';
import { CdnFrontdoorEndpoint } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-endpoint';
import { CdnFrontdoorOrigin, type CdnFrontdoorOriginConfig } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin';
import {
  CdnFrontdoorOriginGroup,
  type CdnFrontdoorOriginGroupConfig,
} from '@cdktf/provider-azurerm/lib/cdn-frontdoor-origin-group';
import { CdnFrontdoorProfile, type CdnFrontdoorProfileConfig } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-profile';
import { CdnFrontdoorRoute, type CdnFrontdoorRouteConfig } from '@cdktf/provider-azurerm/lib/cdn-frontdoor-route';
import { Construct } from 'constructs';
import { applyOverride, type Override } from '../../lib/override';
import type { ResolvedSpec } from '../../lib/resolve';
import type { AzureLocation } from './network';

/** Text types Front Door compresses on cached routes (it never compresses uncached responses). */
export const COMPRESSED_TYPES = [
  'application/javascript',
  'application/json',
  'application/xml',
  'application/x-javascript',
  'image/svg+xml',
  'text/css',
  'text/html',
  'text/javascript',
  'text/plain',
  'text/xml',
];

/** Front Door origin response timeout range (seconds). */
export const FRONT_DOOR_TIMEOUT = { min: 16, max: 240 } as const;

export interface AzureCdnProps {
  /** The resolved spec (`spec.cdn`, https domain, health path). */
  readonly spec: ResolvedSpec;
  /** Resource group the profile goes in. */
  readonly where: AzureLocation;
  /**
   * Public DNS name of the Application Gateway (`<label>.<region>.cloudapp.azure.com`): the origin
   * over plain HTTP, and the target of the `cdn.originDomain` CNAME with HTTPS.
   */
  readonly originHostName: string;
  /** Per-resource overrides, applied last. @default none */
  readonly overrides?: {
    readonly profile?: Override<CdnFrontdoorProfileConfig>;
    readonly originGroup?: Override<CdnFrontdoorOriginGroupConfig>;
    readonly origin?: Override<CdnFrontdoorOriginConfig>;
    readonly customDomain?: Override<CdnFrontdoorCustomDomainConfig>;
    readonly route?: Override<CdnFrontdoorRouteConfig>;
  };
}

/**
 * Where Front Door connects and which Host it sends. With HTTPS, Front Door checks the origin's
 * certificate against the origin *host name* (Microsoft, "End-to-end TLS with Azure Front Door":
 * the certificate's subject must match the origin hostname), and the gateway presents the
 * domain's certificate: so the host name is `cdn.originDomain`, a name that certificate covers,
 * CNAME'd to the gateway. The Host header stays the public domain, the host-name
 * preservation Microsoft recommends for reverse proxies, so the app sees the name clients used.
 * Without HTTPS both are the gateway's own DNS name.
 */
export function frontDoorOrigin(
  spec: Pick<ResolvedSpec, 'loadBalancer' | 'cdn'>,
  gatewayHostName: string,
): { hostName: string; originHostHeader: string } {
  const https = spec.loadBalancer.https;
  if (!https) return { hostName: gatewayHostName, originHostHeader: gatewayHostName };
  const origin = spec.cdn.originDomain;
  if (!origin) {
    // Validation requires it on Azure with HTTPS and the CDN; this guards direct construct use.
    throw new Error(
      `cdn.originDomain is required with HTTPS on Azure: a name the certificate for ${https.domain} covers, CNAME'd to the gateway (${gatewayHostName})`,
    );
  }
  return { hostName: origin, originHostHeader: https.domain };
}

/**
 * Azure Front Door (Standard) in front of the gateway: one route that caches and compresses
 * `cachedPaths`, one that forwards everything else uncached, HTTP redirected to HTTPS at the
 * edge. With `https` the domain is attached as a custom domain with a Front Door managed
 * certificate (TLS 1.2) and the origin is reached over HTTPS at `cdn.originDomain` with the
 * certificate name check on (see `frontDoorOrigin`).
 */
export class AzureCdn extends Construct {
  public readonly profile: CdnFrontdoorProfile;
  public readonly endpoint: CdnFrontdoorEndpoint;
  public readonly originGroup: CdnFrontdoorOriginGroup;
  public readonly origin: CdnFrontdoorOrigin;
  /** Present with `https`; its `validationToken` goes into the `_dnsauth.<domain>` TXT record. */
  public readonly customDomain?: CdnFrontdoorCustomDomain;
  /** Ties the custom domain to the routes (the provider's documented pairing; it orders deletes). */
  public readonly customDomainAssociation?: CdnFrontdoorCustomDomainAssociation;
  /** Caching route for `cachedPaths` (absent when the list is empty). */
  public readonly cachedRoute?: CdnFrontdoorRoute;
  /** Everything else, uncached (cached only when cachedPaths has "/*"). */
  public readonly defaultRoute: CdnFrontdoorRoute;
  /** https://<domain> with HTTPS, else https://<endpoint>.azurefd.net. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: AzureCdnProps) {
    super(scope, id);
    const { spec } = props;
    const o = props.overrides ?? {};
    const tags = { ...spec.tags };
    const https = spec.loadBalancer.https;

    this.profile = new CdnFrontdoorProfile(
      this,
      'Profile',
      applyOverride(
        {
          name: spec.names.of('azureResource', '-fd'),
          resourceGroupName: props.where.resourceGroupName,
          skuName: 'Standard_AzureFrontDoor',
          responseTimeoutSeconds: Math.min(
            FRONT_DOOR_TIMEOUT.max,
            Math.max(FRONT_DOOR_TIMEOUT.min, spec.loadBalancer.idleTimeoutSeconds),
          ),
          tags,
        },
        o.profile,
      ),
    );
    this.endpoint = new CdnFrontdoorEndpoint(this, 'Endpoint', {
      name: spec.names.of('azureFrontDoorEndpoint'),
      cdnFrontdoorProfileId: this.profile.id,
      tags,
    });
    this.originGroup = new CdnFrontdoorOriginGroup(
      this,
      'OriginGroup',
      applyOverride(
        {
          name: 'gateway',
          cdnFrontdoorProfileId: this.profile.id,
          sessionAffinityEnabled: false,
          loadBalancing: { sampleSize: 4, successfulSamplesRequired: 3, additionalLatencyInMilliseconds: 50 },
          healthProbe: {
            protocol: https ? 'Https' : 'Http',
            path: spec.compute.healthCheckPath,
            requestType: 'GET',
            intervalInSeconds: 30,
          },
        },
        o.originGroup,
      ),
    );
    this.origin = new CdnFrontdoorOrigin(
      this,
      'Origin',
      applyOverride(
        {
          name: 'gateway',
          cdnFrontdoorOriginGroupId: this.originGroup.id,
          enabled: true,
          ...frontDoorOrigin(spec, props.originHostName),
          httpPort: 80,
          httpsPort: 443,
          certificateNameCheckEnabled: true,
          priority: 1,
          weight: 1000,
        },
        o.origin,
      ),
    );
    if (https) {
      this.customDomain = new CdnFrontdoorCustomDomain(
        this,
        'CustomDomain',
        applyOverride(
          {
            name: 'app-domain',
            cdnFrontdoorProfileId: this.profile.id,
            hostName: https.domain,
            tls: { certificateType: 'ManagedCertificate', minimumTlsVersion: 'TLS12' },
          },
          o.customDomain,
        ),
      );
    }
    const route = (cid: string, name: string, patterns: string[], cached: boolean) =>
      new CdnFrontdoorRoute(
        this,
        cid,
        applyOverride<CdnFrontdoorRouteConfig>(
          {
            name,
            cdnFrontdoorEndpointId: this.endpoint.id,
            cdnFrontdoorOriginGroupId: this.originGroup.id,
            cdnFrontdoorOriginIds: [this.origin.id],
            patternsToMatch: patterns,
            supportedProtocols: ['Http', 'Https'],
            httpsRedirectEnabled: true,
            forwardingProtocol: https ? 'HttpsOnly' : 'HttpOnly',
            linkToDefaultDomain: true,
            ...(this.customDomain ? { cdnFrontdoorCustomDomainIds: [this.customDomain.id] } : {}),
            // No cache block = no caching (and no compression) for dynamic responses.
            ...(cached
              ? {
                  cache: {
                    queryStringCachingBehavior: 'UseQueryString',
                    compressionEnabled: true,
                    contentTypesToCompress: COMPRESSED_TYPES,
                  },
                }
              : {}),
          },
          o.route,
        ),
      );
    // Front Door rejects two routes with the same pattern: "/*" in cachedPaths caches the default route.
    const cachedPaths = spec.cdn.cachedPaths.filter((p) => p !== '/*');
    if (cachedPaths.length > 0) {
      this.cachedRoute = route('CachedRoute', 'cached', cachedPaths, true);
    }
    this.defaultRoute = route('DefaultRoute', 'default', ['/*'], spec.cdn.cachedPaths.includes('/*'));
    if (this.customDomain) {
      this.customDomainAssociation = new CdnFrontdoorCustomDomainAssociation(this, 'CustomDomainAssociation', {
        cdnFrontdoorCustomDomainId: this.customDomain.id,
        cdnFrontdoorRouteIds: [this.defaultRoute.id, ...(this.cachedRoute ? [this.cachedRoute.id] : [])],
      });
    }
    this.url = https ? `https://${https.domain}` : `https://${this.endpoint.hostName}`;
  }
}
