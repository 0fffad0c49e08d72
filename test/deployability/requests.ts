/*
 * The unit of the deployability layer: one request one principal sends at run time, with the
 * context AWS adds to it, why it is sent, and whether it must be allowed or (a security
 * negative) denied.
 */

/** A role of the stage, acting with its identity policies. */
export interface RolePrincipal {
  readonly kind: 'role';
  /** Construct path of the role (`Gantry-prod/Model-churn/JobRole/Role`), else `<stack>/<logicalId>`. */
  readonly id: string;
  readonly logicalId: string;
  readonly stackName: string;
  readonly roleName: string;
  readonly arn: string;
}

/** An AWS service acting as itself (EventBridge invoking a function, CloudWatch publishing an alarm). */
export interface ServicePrincipal {
  readonly kind: 'service';
  /** `events.amazonaws.com`. */
  readonly id: string;
}

export type Principal = RolePrincipal | ServicePrincipal;

export type ContextValues = Readonly<Record<string, string | readonly string[]>>;

export interface RunTimeRequest {
  readonly principal: Principal;
  /** IAM action, `service:Action`. */
  readonly action: string;
  /** The resource ARN the request is authorized on (`*` for actions without resource types). */
  readonly resource: string;
  /** Request context beyond the principal's own (aws:SecureTransport and the like are added by the simulator). */
  readonly context?: ContextValues;
  /** Where the request comes from: the state, function call or resource that sends it. */
  readonly origin: string;
  /** The implied-permission rule that adds it (an id of implied-permissions.ts); absent for a call's own action. */
  readonly rule?: string;
  /** A security negative must be denied. @default 'allow' */
  readonly expect?: 'allow' | 'deny';
  /**
   * An S3 upload in parts (SageMaker uploads models and checkpoints so): into an SSE-KMS
   * bucket it needs kms:Decrypt as well as kms:GenerateDataKey.
   */
  readonly multipartUpload?: boolean;
  /** HeadObject: authorized as s3:GetObject, but decrypts nothing, so it implies no KMS request. */
  readonly metadataOnly?: boolean;
}

/** A request with its principal filled in later: what a rule or a declaration produces. */
export type RequestSpec = Omit<RunTimeRequest, 'principal' | 'origin'> & { readonly principal?: Principal; readonly origin?: string };

/** `s3://bucket/key` → its parts. */
export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

export const s3BucketArn = (bucket: string, partition = 'aws') => `arn:${partition}:s3:::${bucket}`;
export const s3ObjectArn = (bucket: string, key: string, partition = 'aws') => `arn:${partition}:s3:::${bucket}/${key}`;

/** The account an ARN names; S3 bucket and object ARNs name none. */
export function arnAccount(arn: string): string | undefined {
  const account = arn.split(':')[4];
  return account === undefined || account === '' ? undefined : account;
}

/** A stable key for one request, to drop duplicates that several rules add. */
export function requestKey(request: RunTimeRequest): string {
  const context = Object.entries(request.context ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([request.principal.id, request.action, request.resource, context, request.expect ?? 'allow']);
}

export function dedupe(requests: readonly RunTimeRequest[]): RunTimeRequest[] {
  const seen = new Map<string, RunTimeRequest>();
  for (const request of requests) if (!seen.has(requestKey(request))) seen.set(requestKey(request), request);
  return [...seen.values()];
}
