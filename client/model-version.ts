/**
 * Which model version answered a prediction. Every Gantry endpoint has one production variant
 * (`primary`) whatever it serves, so the variant name says nothing about the version: the
 * container may say it in its response, and otherwise the endpoint's config name tells it.
 */
import { DescribeEndpointCommand, type DescribeEndpointCommandOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { MAX_DEPLOYABLE_VERSION, MODEL_VERSION_ATTRIBUTE, versionOfDeploymentResource } from '../lib/contract';

/** Where `PredictResult.modelVersion` came from. */
export type ModelVersionSource = 'container' | 'endpoint';

/**
 * The version a container put in its `X-Amzn-SageMaker-Custom-Attributes` response header:
 * `gantry-model-version=N` among `;`- or `,`-separated `key=value` pairs. Other keys, and a
 * value that is not a whole version number, are ignored.
 */
export function versionOfAttributes(customAttributes: string | undefined): number | undefined {
  if (customAttributes === undefined) return undefined;
  for (const pair of customAttributes.split(/[;,]/)) {
    const separator = pair.indexOf('=');
    if (separator < 0 || pair.slice(0, separator).trim().toLowerCase() !== MODEL_VERSION_ATTRIBUTE) continue;
    const value = pair.slice(separator + 1).trim();
    if (/^[1-9]\d*$/.test(value) && Number(value) <= MAX_DEPLOYABLE_VERSION) return Number(value);
  }
  return undefined;
}

/**
 * The one version an endpoint serves, from DescribeEndpoint: read from its config's name, and
 * only while it is InService with no deployment under way (during a canary or linear shift
 * both versions answer, so which one did is unknown).
 */
export function versionOfEndpoint(endpointName: string, described: Pick<DescribeEndpointCommandOutput, 'EndpointStatus' | 'EndpointConfigName' | 'PendingDeploymentSummary'>): number | undefined {
  if (described.EndpointStatus !== 'InService' || described.PendingDeploymentSummary !== undefined) return undefined;
  return described.EndpointConfigName === undefined ? undefined : versionOfDeploymentResource(endpointName, described.EndpointConfigName);
}

/** The outcome of one DescribeEndpoint: the version, or why there is none. */
export type VersionLookup = { readonly ok: true; readonly version: number | undefined } | { readonly ok: false; readonly error: unknown };

interface Entry {
  readonly lookup: Promise<VersionLookup>;
  /** `performance.now()` after which the answer is looked up again; Infinity while in flight. */
  expiresAt: number;
}

/**
 * The versions endpoints serve, from DescribeEndpoint, cached per endpoint: it is a control-plane
 * call with low request rates, not one to make per prediction. Concurrent callers share one
 * in-flight lookup. A failed lookup (e.g. no sagemaker:DescribeEndpoint permission) is cached
 * too, so it is retried only after the cache period.
 */
export class DeployedVersions {
  private readonly entries = new Map<string, Entry>();
  private readonly warned = new Set<string>();

  constructor(
    private readonly sagemaker: SageMakerClient,
    private readonly cacheMs: number,
  ) {}

  /** Starts the endpoint's lookup, or joins the cached or in-flight one. Never rejects. */
  lookup(endpointName: string): Promise<VersionLookup> {
    const cached = this.entries.get(endpointName);
    if (cached !== undefined && cached.expiresAt > performance.now()) return cached.lookup;
    const entry: Entry = {
      lookup: this.describe(endpointName).finally(() => {
        entry.expiresAt = performance.now() + this.cacheMs;
      }),
      expiresAt: Infinity,
    };
    this.entries.set(endpointName, entry);
    return entry.lookup;
  }

  /**
   * The version a lookup found. A failed one gives undefined and one process warning per
   * endpoint, given only when the version was needed (a container that reports its version
   * makes the lookup moot).
   */
  versionOf(endpointName: string, lookup: VersionLookup): number | undefined {
    if (lookup.ok) return lookup.version;
    if (!this.warned.has(endpointName)) {
      this.warned.add(endpointName);
      const { error } = lookup;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      process.emitWarning(
        `cannot read which model version endpoint "${endpointName}" serves (DescribeEndpoint failed: ${reason}); ` +
          `its predictions carry no modelVersion unless the container reports it as ${MODEL_VERSION_ATTRIBUTE}=N in its custom attributes. ` +
          `Grant sagemaker:DescribeEndpoint on the endpoint. Retried every ${this.cacheMs} ms.`,
        { code: 'GANTRY_VERSION_LOOKUP' },
      );
    }
    return undefined;
  }

  private async describe(endpointName: string): Promise<VersionLookup> {
    try {
      const described = await this.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
      return { ok: true, version: versionOfEndpoint(endpointName, described) };
    } catch (error) {
      return { ok: false, error };
    }
  }
}
