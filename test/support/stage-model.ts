import { IntrinsicError, IntrinsicResolver, type IntrinsicHost, type Json } from '../../tools/local/intrinsics';
import { physicalNames, type AwsEnvironment, type PhysicalNames } from './physical-names';
import type { StageTemplates, StackTemplate } from './stage-templates';

/*
 * All stacks of one stage as one model, every intrinsic resolvable to the concrete value it
 * would have in the account: pseudo parameters from the stage's environment, `Ref`/`GetAtt`
 * from realistic physical names, and cross-stack references (`Fn::GetStackOutput`,
 * `Fn::ImportValue`) by resolving the producing stack's output in that stack.
 */

/** One resource of one stack. */
export interface StageResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** `aws:cdk:path`, when the app wrote path metadata. */
  readonly path: string | undefined;
  /** As in the template (intrinsics unresolved); `StageModel.properties` resolves them. */
  readonly rawProperties: Readonly<Record<string, unknown>>;
}

/** The attribute that holds a resource's ARN, for the types whose `Ref` is not the ARN. */
const ARN_ATTRIBUTE: Readonly<Record<string, string>> = {
  'AWS::SNS::Topic': 'TopicArn',
  'AWS::IAM::ManagedPolicy': 'PolicyArn',
  'AWS::CE::AnomalyMonitor': 'MonitorArn',
  'AWS::CE::AnomalySubscription': 'SubscriptionArn',
};

export class StageModel {
  readonly environment: AwsEnvironment;
  readonly resources: readonly StageResource[];
  private readonly stacks = new Map<string, StackTemplate>();
  private readonly byId = new Map<string, StageResource>();
  private readonly names = new Map<StageResource, PhysicalNames>();
  private readonly resolvers = new Map<string, IntrinsicResolver>();
  private readonly resolving = new Set<string>();
  private arnIndex?: Map<string, StageResource>;

  constructor(readonly templates: StageTemplates) {
    this.environment = templates.environment;
    const resources: StageResource[] = [];
    for (const stack of templates.stacks) {
      this.stacks.set(stack.stackName, stack);
      for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
        const path = resource.Metadata?.['aws:cdk:path'];
        const entry: StageResource = { stackName: stack.stackName, logicalId, type: resource.Type, path: typeof path === 'string' ? path : undefined, rawProperties: resource.Properties ?? {} };
        resources.push(entry);
        this.byId.set(`${stack.stackName}/${logicalId}`, entry);
      }
    }
    this.resources = resources;
  }

  /** Every resource of `type`, in every stack. */
  ofType(type: string): StageResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  resource(stackName: string, logicalId: string): StageResource {
    const found = this.byId.get(`${stackName}/${logicalId}`);
    if (!found) throw new IntrinsicError(`${stackName} has no resource ${logicalId}`);
    return found;
  }

  /** `value` (part of `stackName`'s template) with every intrinsic resolved. */
  resolve(stackName: string, value: unknown, where = stackName): Json {
    return this.resolver(stackName).resolve(value, where);
  }

  /** `resolve`, which must give a string. */
  resolveString(stackName: string, value: unknown, where = stackName): string {
    return this.resolver(stackName).resolveString(value, where);
  }

  /** The resource's properties with every intrinsic resolved. */
  properties(resource: StageResource): Record<string, Json> {
    const resolved = this.resolve(resource.stackName, resource.rawProperties, `${this.describe(resource)}.Properties`);
    return resolved !== null && typeof resolved === 'object' && !Array.isArray(resolved) ? resolved : {};
  }

  /** What `Ref` returns for the resource. */
  ref(resource: StageResource): string {
    return this.physical(resource).ref;
  }

  /** What `Fn::GetAtt` returns for the resource's attribute, if the type has it. */
  getAtt(resource: StageResource, attribute: string): string | undefined {
    return this.physical(resource).getAtt(attribute);
  }

  /** The resource's ARN: its `Arn` attribute, or its `Ref` for types whose Ref is the ARN. */
  arn(resource: StageResource): string {
    const attribute = ARN_ATTRIBUTE[resource.type];
    if (attribute) return this.getAtt(resource, attribute)!;
    return this.getAtt(resource, 'Arn') ?? this.ref(resource);
  }

  /** The resource whose ARN (or `Ref`) is `value`. */
  resourceByArn(value: string): StageResource | undefined {
    if (!this.arnIndex) {
      this.arnIndex = new Map();
      for (const resource of this.resources) {
        for (const key of [this.ref(resource), this.getAtt(resource, 'Arn'), this.getAtt(resource, ARN_ATTRIBUTE[resource.type] ?? 'Arn')]) {
          if (key !== undefined && !this.arnIndex.has(key)) this.arnIndex.set(key, resource);
        }
      }
    }
    return this.arnIndex.get(value);
  }

  /** The construct path, or `<stack>/<logicalId>` when the template has no path metadata. */
  describe(resource: StageResource): string {
    return resource.path ?? `${resource.stackName}/${resource.logicalId}`;
  }

  stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  private physical(resource: StageResource): PhysicalNames {
    let names = this.names.get(resource);
    if (!names) {
      names = physicalNames(
        {
          type: resource.type,
          logicalId: resource.logicalId,
          stackName: resource.stackName,
          property: (name) => this.nameProperty(resource, name),
        },
        this.environment,
      );
      this.names.set(resource, names);
    }
    return names;
  }

  /** One property, resolved, for naming; a name that depends on itself is a template error. */
  private nameProperty(resource: StageResource, name: string): Json | undefined {
    if (!(name in resource.rawProperties)) return undefined;
    const key = `${resource.stackName}/${resource.logicalId}.${name}`;
    if (this.resolving.has(key)) throw new IntrinsicError(`${key} refers to itself`);
    this.resolving.add(key);
    try {
      return this.resolve(resource.stackName, resource.rawProperties[name], key);
    } finally {
      this.resolving.delete(key);
    }
  }

  private resolver(stackName: string): IntrinsicResolver {
    let resolver = this.resolvers.get(stackName);
    if (!resolver) {
      const stack = this.stacks.get(stackName);
      if (!stack) throw new IntrinsicError(`the stage has no stack ${stackName} (stacks: ${this.stackNames().join(', ')})`);
      resolver = new IntrinsicResolver(new StackHost(this, stack));
      this.resolvers.set(stackName, resolver);
    }
    return resolver;
  }

  /** @internal the output of a stack, resolved in that stack. */
  output(stackName: string, outputName: string, where: string): Json {
    const stack = this.stacks.get(stackName);
    const output = stack?.template.Outputs?.[outputName];
    if (!output) throw new IntrinsicError(`${where}: stack ${stackName} has no output ${outputName}`);
    return this.resolve(stackName, output.Value, `${stackName}.Outputs.${outputName}`);
  }

  /** @internal the value exported under `exportName` by any stack of the stage. */
  exported(exportName: string, where: string): Json {
    for (const stack of this.stacks.values()) {
      for (const [outputName, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Export?.Name !== undefined && this.resolve(stack.stackName, output.Export.Name) === exportName) return this.output(stack.stackName, outputName, where);
      }
    }
    throw new IntrinsicError(`${where}: no stack of the stage exports ${exportName}`);
  }
}

/** Resolves the names of one stack of a `StageModel`. */
class StackHost implements IntrinsicHost {
  private readonly pseudo: Readonly<Record<string, string>>;

  constructor(
    private readonly model: StageModel,
    private readonly stack: StackTemplate,
  ) {
    const { account, region, partition, urlSuffix } = model.environment;
    this.pseudo = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': urlSuffix,
      'AWS::StackName': stack.stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${stack.stackName}/0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5`,
    };
  }

  ref(name: string, where: string): Json {
    const pseudo = this.pseudo[name];
    if (pseudo !== undefined) return pseudo;
    const parameter = this.stack.template.Parameters?.[name] as { Default?: unknown } | undefined;
    if (parameter) {
      if (typeof parameter.Default === 'string') return parameter.Default;
      throw new IntrinsicError(`${where}: parameter ${name} of ${this.stack.stackName} has no default`);
    }
    if (!this.stack.template.Resources?.[name]) throw new IntrinsicError(`${where}: Ref to ${name}, which is neither a resource nor a parameter of ${this.stack.stackName}`);
    return this.model.ref(this.model.resource(this.stack.stackName, name));
  }

  getAtt(logicalId: string, attribute: string, where: string): Json {
    const resource = this.model.resource(this.stack.stackName, logicalId);
    const value = this.model.getAtt(resource, attribute);
    if (value === undefined) throw new IntrinsicError(`${where}: no realistic value for ${resource.type}'s attribute ${attribute} (add it to physical-names.ts)`);
    return value;
  }

  importValue(exportName: string, where: string): Json {
    return this.model.exported(exportName, where);
  }

  stackOutput(reference: { readonly stackName: string; readonly outputName: string; readonly region?: string }, where: string): Json {
    if (reference.region !== undefined && reference.region !== this.model.environment.region) {
      throw new IntrinsicError(`${where}: a reference to ${reference.stackName} in ${reference.region}, outside the stage's region ${this.model.environment.region}`);
    }
    return this.model.output(reference.stackName, reference.outputName, where);
  }
}
