/*
 * Which registry an image reference points at. Private images in a cloud's own registry need a
 * login on the VM and a pull grant for the VM's identity; each cloud's compute group reads this
 * to add both. Anything not recognised is treated as public (pulled without credentials), as
 * before. Parsing is strict on purpose: a host that only looks like a cloud registry
 * (`….amazonaws.com.evil.example`, a registry host inside the path) is 'public', so a grant or a
 * login never follows a look-alike.
 */

/** An image in Amazon ECR (private registry of one account and region). */
export interface EcrRegistry {
  readonly kind: 'ecr';
  /** Registry host, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com. */
  readonly host: string;
  /** Account that owns the registry. */
  readonly account: string;
  /** Region of the registry. */
  readonly region: string;
  /** Repository name, namespaces included (team/api), without tag or digest. */
  readonly repository: string;
}

/** An image in Google Artifact Registry (a Docker-format repository). */
export interface ArtifactRegistry {
  readonly kind: 'artifactRegistry';
  /** Registry host, e.g. us-central1-docker.pkg.dev. */
  readonly host: string;
  /** Region or multi-region of the repository (us-central1, europe, us). */
  readonly location: string;
  /** Project id; a domain-scoped project `example.com/p` in the path is `example.com:p`. */
  readonly project: string;
  /** Repository id (the IAM grant's scope); the image path inside it is not part of it. */
  readonly repository: string;
}

/** An image in Azure Container Registry. */
export interface AcrRegistry {
  readonly kind: 'acr';
  /** Registry host, e.g. myregistry.azurecr.io. */
  readonly host: string;
}

/** Any other registry: pulled anonymously. */
export interface PublicRegistry {
  readonly kind: 'public';
}

export type ImageRegistry = EcrRegistry | ArtifactRegistry | AcrRegistry | PublicRegistry;

/** One path component of a Docker reference (the Distribution spec's grammar). */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const PATH = `${COMPONENT}(?:/${COMPONENT})*`;

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]`; the only host forms ECR serves. */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
/** `<location>-docker.pkg.dev`; location is a region (us-central1) or a multi-region (us, europe, asia). */
const AR_HOST = /^([a-z]+(?:-[a-z]+\d+)?)-docker\.pkg\.dev$/;
/** ACR registry names are 5-50 alphanumerics. */
const ACR_HOST = /^[a-z0-9]{5,50}\.azurecr\.io$/;
/** GCP project ids: 6-30 characters, a letter first, no trailing hyphen. */
const PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Artifact Registry repository ids. */
const AR_REPOSITORY = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Splits `host/path[:tag][@digest]` into host and path (tag and digest dropped); undefined if not that shape. */
function split(image: string): { host: string; path: string } | undefined {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  if (at !== -1 && !/^@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(image.slice(at))) return undefined;
  const slash = name.indexOf('/');
  if (slash === -1) return undefined;
  const host = name.slice(0, slash);
  let path = name.slice(slash + 1);
  const colon = path.lastIndexOf(':');
  if (colon !== -1) {
    if (!/^[\w][\w.-]{0,127}$/.test(path.slice(colon + 1))) return undefined;
    path = path.slice(0, colon);
  }
  if (!new RegExp(`^${PATH}$`).test(path)) return undefined;
  return { host, path };
}

/** The registry an image reference points at; 'public' for anything not a recognised cloud registry. */
export function registryOf(image: string): ImageRegistry {
  const parts = split(image);
  if (!parts) return { kind: 'public' };
  const { host, path } = parts;

  const ecr = ECR_HOST.exec(host);
  if (ecr) {
    const [, account, region] = ecr as unknown as [string, string, string];
    // ECR repository names are at most 256 characters.
    if (path.length > 256) return { kind: 'public' };
    return { kind: 'ecr', host, account, region, repository: path };
  }

  const ar = AR_HOST.exec(host);
  if (ar) {
    const location = ar[1] as string;
    const segments = path.split('/');
    // A domain-scoped project (example.com:p) appears in the path as example.com/p.
    const scoped = segments[0]?.includes('.') === true;
    const project = scoped ? `${segments[0]}:${segments[1]}` : segments[0];
    const rest = segments.slice(scoped ? 2 : 1);
    const projectId = scoped ? segments[1] : segments[0];
    const repository = rest[0];
    // An image name after the repository is required: <project>/<repository>/<image>.
    if (!project || !projectId || !PROJECT.test(projectId) || !repository || rest.length < 2) return { kind: 'public' };
    if (!AR_REPOSITORY.test(repository)) return { kind: 'public' };
    return { kind: 'artifactRegistry', host, location, project, repository };
  }

  if (ACR_HOST.test(host)) return { kind: 'acr', host };
  return { kind: 'public' };
}
