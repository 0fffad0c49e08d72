/*
 * Runs the ASL that CDK synthesized, locally, with aws-local-stepfunctions:
 *
 *   const { definition, arnToLogicalId } = resolveAsl(template, 'TrainingPipeline');
 *   const trace = await runStateMachine({ definition, arnToLogicalId }, input, {
 *     lambdas: { ValidateDataFunction: validateData, GateFunction: gate },
 *     overrides: { Train: async (params) => describeTrainingJobResponse },
 *   });
 *
 * Intrinsics in the template resolve to deterministic fakes (account 111111111111, us-east-1),
 * Lambda tasks are routed by the function's logical id to real handlers, every other Task
 * needs an override, and Wait states and retry intervals take no real time.
 */
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { IntrinsicResolver, type IntrinsicHost, type Json } from './intrinsics';
// @ts-expect-error asl-validator ships no type declarations; its one export is typed below.
import aslValidatorUntyped from 'asl-validator';

// --- types -----------------------------------------------------------------------------------

/** A synthesized template (e.g. `Template.fromStack(stack).toJSON()`). */
export interface CfnTemplateJson {
  readonly Resources?: Readonly<Record<string, unknown>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
}

/** One state of an ASL definition. ASL is untyped JSON: read fields with narrowing. */
export interface AslState {
  readonly Type: string;
  readonly [field: string]: unknown;
}

/** An Amazon States Language definition. */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly [field: string]: unknown;
}

export interface ResolvedAsl {
  readonly definition: AslDefinition;
  /** Every fake value the template's intrinsics resolved to (ARNs, names, imports) → the logical id it stands for. */
  readonly arnToLogicalId: Readonly<Record<string, string>>;
}

export interface ResolveAslOptions {
  /**
   * Templates of the stacks this one imports from (`Fn::ImportValue`, `Fn::GetStackOutput`), so
   * that imported ARNs get the ARN format of the resource's type.
   * @default none: an imported ARN of unknown type is `arn:aws:imported:us-east-1:111111111111:<logicalId>`
   */
  readonly producers?: readonly CfnTemplateJson[];
}

/** A Lambda function stand-in: receives the invocation payload, returns the function's result. */
export type LambdaHandler = (payload: unknown) => Promise<unknown>;
/** A Task stand-in: receives the state's resolved Parameters (its effective input), returns the task's result. */
export type TaskOverride = (input: unknown) => Promise<unknown>;

export interface RunOptions {
  /** Lambda tasks routed by the invoked function's logical id: the longest key that prefixes it wins. */
  readonly lambdas?: Readonly<Record<string, LambdaHandler>>;
  /** Task states by name; an override wins over Lambda routing. */
  readonly overrides?: Readonly<Record<string, TaskOverride>>;
  /** Wait states by name, in milliseconds. @default 0 for every Wait state */
  readonly waitTimeOverrides?: Readonly<Record<string, number>>;
  /** Retry intervals by state name, in milliseconds. @default 0 for every state with a Retry */
  readonly retryIntervalOverrides?: Readonly<Record<string, number>>;
  /** `$$.Execution.Name`; the execution ARN is built from it. @default `local-1`, `local-2`, … */
  readonly executionName?: string;
  /** `$$.StateMachine.Name`. @default 'LocalStateMachine' */
  readonly stateMachineName?: string;
  /** Extra context object fields, merged over the defaults (`Execution`, `StateMachine`, `Task.Token`). */
  readonly context?: Readonly<Record<string, unknown>>;
}

/** One Task state invocation. */
export interface TaskCall {
  readonly state: string;
  readonly resource: string;
  /** What the task received: its Parameters resolved against its input (or the input when it has none). */
  readonly parameters: unknown;
  /** For Lambda tasks: the function's logical id and the payload its handler received. */
  readonly functionLogicalId?: string;
  readonly payload?: unknown;
  /** The error name, when the call failed. */
  readonly error?: string;
}

export interface ExecutionTrace {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  /** The execution's error name and cause, when it failed. */
  readonly error?: string;
  readonly cause?: string;
  readonly calls: readonly TaskCall[];
  /**
   * Every state entered, in order; Map and Parallel inner states too. A retry re-runs the state
   * without entering it again (as in AWS): see `retries` and `calls`.
   */
  readonly statesEntered: readonly string[];
  /** Each failed attempt of a state, caught, retried or fatal. */
  readonly failures: ReadonlyArray<{ readonly state: string; readonly error: string; readonly cause?: string }>;
  readonly retries: ReadonlyArray<{ readonly state: string; readonly attempt: number; readonly errorEquals: readonly string[] }>;
  readonly caught: ReadonlyArray<{ readonly state: string; readonly errorEquals: readonly string[]; readonly next: string }>;
  /** aws-local-stepfunctions' raw event log. */
  readonly events: readonly unknown[];
}

// --- errors ----------------------------------------------------------------------------------

/** The template or its state machine cannot be resolved into ASL. */
export class AslResolutionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AslResolutionError';
  }
}

/** The resolved ASL does not validate; `errors` are asl-validator's. */
export class InvalidAslError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`the state machine definition is not valid ASL:\n  ${errors.join('\n  ')}`);
    this.name = 'InvalidAslError';
  }
}

/**
 * A test set-up mistake: a Task with no handler. aws-local-stepfunctions would otherwise call
 * real AWS Lambda. It is neither retryable nor catchable (the flags the engine reads), so no
 * Catch can hide it, and `runStateMachine` rethrows it.
 */
export class UnroutedTaskError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'UnroutedTaskError';
  }
}

/**
 * A failed task as Step Functions reports it: `name` is the Error that Retry and Catch match,
 * `message` the Cause. The engine reports `error.cause ?? error.message` as a failure's Cause,
 * so the original error is kept in `thrown`, not in `cause`, or the Cause would be an object.
 */
export class TaskFailure extends Error {
  constructor(name: string, causeText: string, readonly thrown: unknown) {
    super(causeText);
    this.name = name;
  }
}

// --- fake values -----------------------------------------------------------------------------

export const FAKE_ACCOUNT = '111111111111';
export const FAKE_REGION = 'us-east-1';
const PARTITION = 'aws';

const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': PARTITION,
  'AWS::Region': FAKE_REGION,
  'AWS::AccountId': FAKE_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'fake-stack',
  'AWS::StackId': `arn:${PARTITION}:cloudformation:${FAKE_REGION}:${FAKE_ACCOUNT}:stack/fake-stack/00000000-0000-0000-0000-000000000000`,
};

const regional = (service: string, resource: string) => `arn:${PARTITION}:${service}:${FAKE_REGION}:${FAKE_ACCOUNT}:${resource}`;

/** The ARN (`GetAtt Arn`) of a resource of `type`, named after its logical id. */
export function fakeArn(type: string | undefined, id: string): string {
  switch (type) {
    case 'AWS::Lambda::Function':
      return regional('lambda', `function:${id}`);
    case 'AWS::SNS::Topic':
      return regional('sns', id);
    case 'AWS::SQS::Queue':
      return regional('sqs', id);
    case 'AWS::S3::Bucket':
      return `arn:${PARTITION}:s3:::${fakeName(id)}`;
    case 'AWS::IAM::Role':
      return `arn:${PARTITION}:iam::${FAKE_ACCOUNT}:role/${id}`;
    case 'AWS::IAM::ManagedPolicy':
      return `arn:${PARTITION}:iam::${FAKE_ACCOUNT}:policy/${id}`;
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return regional('dynamodb', `table/${id}`);
    case 'AWS::StepFunctions::StateMachine':
      return regional('states', `stateMachine:${id}`);
    case 'AWS::KMS::Key':
      return regional('kms', `key/${id}`);
    case 'AWS::Events::Rule':
      return regional('events', `rule/${id}`);
    case 'AWS::Events::EventBus':
      return regional('events', `event-bus/${id}`);
    case 'AWS::Logs::LogGroup':
      return regional('logs', `log-group:${id}:*`);
    case 'AWS::SecretsManager::Secret':
      return regional('secretsmanager', `secret:${id}`);
    case 'AWS::ECR::Repository':
      return regional('ecr', `repository/${id}`);
    case undefined:
      // Imported from a stack we were not given: the ARN shape is all a validator checks.
      return regional('imported', id);
    default: {
      const [, service = 'unknown', kind = 'resource'] = type.split('::');
      return regional(service.toLowerCase(), `${kind.toLowerCase()}/${id}`);
    }
  }
}

/** What `Ref` returns for a resource of `type`: CloudFormation returns an ARN or URL for some types. */
export function fakeRef(type: string | undefined, id: string): string {
  switch (type) {
    case 'AWS::SNS::Topic':
    case 'AWS::StepFunctions::StateMachine':
    case 'AWS::SecretsManager::Secret':
    case 'AWS::IAM::ManagedPolicy':
      return fakeArn(type, id);
    case 'AWS::SQS::Queue':
      return `https://sqs.${FAKE_REGION}.amazonaws.com/${FAKE_ACCOUNT}/${id}`;
    default:
      return fakeName(id);
  }
}

const fakeName = (id: string) => `fake-${id}`;

// --- intrinsics ------------------------------------------------------------------------------

/**
 * What a CDK export or stack-output name refers to: `…Output(FnGetAtt<id><Attr>|Ref<id>)<8 hex>`
 * (`Dev-Runtime:ExportsOutputFnGetAttRegisterFunction735506DFArnF4321A6C`). Known logical ids are
 * matched exactly, longest first; otherwise CDK's logical ids end in an 8-hex hash.
 */
function parseCdkExportName(name: string, knownIds: readonly string[] = []): { id: string; attribute?: string } | undefined {
  for (const id of [...knownIds].sort((a, b) => b.length - a.length)) {
    const getAtt = name.lastIndexOf(`OutputFnGetAtt${id}`);
    if (getAtt >= 0) {
      const attribute = /^([A-Za-z0-9]+)[0-9A-F]{8}$/.exec(name.slice(getAtt + 'OutputFnGetAtt'.length + id.length))?.[1];
      if (attribute) return { id, attribute };
    }
    if (name.endsWith(`OutputRef${id}${name.slice(-8)}`) && /^[0-9A-F]{8}$/.test(name.slice(-8))) return { id };
  }
  const getAtt = /OutputFnGetAtt([A-Za-z0-9]+?[0-9A-F]{8})([A-Za-z0-9]+)[0-9A-F]{8}$/.exec(name);
  if (getAtt) return { id: getAtt[1]!, attribute: getAtt[2]! };
  const ref = /OutputRef([A-Za-z0-9]+)[0-9A-F]{8}$/.exec(name);
  return ref ? { id: ref[1]! } : undefined;
}

/**
 * Resolves a template's names to deterministic fakes and remembers each fake's logical id, so
 * the runner can route a Lambda task by the function it invokes.
 */
class FakeNames implements IntrinsicHost {
  readonly fakes = new Map<string, string>();
  private readonly types = new Map<string, string>();
  private readonly importedTypes = new Map<string, string>();
  private readonly parameters: Readonly<Record<string, unknown>>;

  constructor(template: CfnTemplateJson, producers: readonly CfnTemplateJson[]) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) this.types.set(id, typeOf(resource));
    for (const producer of producers) for (const [id, resource] of Object.entries(producer.Resources ?? {})) this.importedTypes.set(id, typeOf(resource));
    this.parameters = template.Parameters ?? {};
  }

  ref(name: string, where: string): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (pseudo !== undefined) return pseudo;
    if (name in this.parameters) {
      const fallback = (this.parameters[name] as { Default?: unknown } | undefined)?.Default;
      return typeof fallback === 'string' ? fallback : fakeName(name);
    }
    if (!this.types.has(name)) throw new AslResolutionError(`${where}: Ref to ${name}, which is neither a resource nor a parameter of the template`);
    return this.remember(fakeRef(this.types.get(name), name), name);
  }

  getAtt(id: string, attribute: string, where: string): string {
    if (!this.types.has(id)) throw new AslResolutionError(`${where}: GetAtt of ${id}, which is not a resource of the template`);
    return this.remember(attribute === 'Arn' ? fakeArn(this.types.get(id), id) : `${fakeName(id)}.${attribute}`, id);
  }

  importValue(name: string): string {
    return this.imported(name);
  }

  stackOutput(reference: { readonly outputName: string }): string {
    return this.imported(reference.outputName);
  }

  private imported(name: string): string {
    const parsed = parseCdkExportName(name, [...this.types.keys(), ...this.importedTypes.keys()]);
    if (!parsed) return fakeName(name);
    const type = this.types.get(parsed.id) ?? this.importedTypes.get(parsed.id);
    if (parsed.attribute === undefined) return this.remember(fakeRef(type, parsed.id), parsed.id);
    return this.remember(parsed.attribute === 'Arn' ? fakeArn(type, parsed.id) : `${fakeName(parsed.id)}.${parsed.attribute}`, parsed.id);
  }

  private remember(fake: string, id: string): string {
    this.fakes.set(fake, id);
    return fake;
  }
}

function typeOf(resource: unknown): string {
  const type = (resource as { Type?: unknown } | undefined)?.Type;
  return typeof type === 'string' ? type : 'Unknown';
}

// --- ASL from a template -----------------------------------------------------------------------

type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: unknown[]; errorsText: (separator?: string) => string };
const validateAsl = aslValidatorUntyped as AslValidator;

/**
 * The definition of the one `AWS::StepFunctions::StateMachine` whose logical id or
 * `aws:cdk:path` contains `logicalIdOrPathContains`, with every intrinsic resolved to a
 * deterministic fake, validated as ASL.
 * @throws AslResolutionError when not exactly one state machine matches (listing the candidates)
 * @throws InvalidAslError when the definition does not validate
 */
export function resolveAsl(template: CfnTemplateJson, logicalIdOrPathContains: string, options: ResolveAslOptions = {}): ResolvedAsl {
  const machines = Object.entries(template.Resources ?? {}).filter(([, resource]) => typeOf(resource) === 'AWS::StepFunctions::StateMachine');
  const describe = ([id, resource]: [string, unknown]) => {
    const path = (resource as { Metadata?: Record<string, unknown> }).Metadata?.['aws:cdk:path'];
    return typeof path === 'string' ? `${id} (${path})` : id;
  };
  const matches = machines.filter((machine) => describe(machine).includes(logicalIdOrPathContains));
  if (matches.length !== 1) {
    throw new AslResolutionError(
      `expected one state machine whose logical id or aws:cdk:path contains "${logicalIdOrPathContains}", found ${matches.length}. ` +
        `State machines in the template: ${machines.map(describe).join(', ') || '(none)'}`,
    );
  }
  const [id, resource] = matches[0]!;
  const properties = (resource as { Properties?: Record<string, unknown> }).Properties ?? {};
  if (properties.DefinitionString === undefined) {
    throw new AslResolutionError(`${id} has no DefinitionString${properties.Definition !== undefined ? ' (an inline Definition object is not supported)' : ''}`);
  }
  const names = new FakeNames(template, options.producers ?? []);
  const text = new IntrinsicResolver(names, AslResolutionError).resolve(properties.DefinitionString, `${id}.DefinitionString`);
  if (typeof text !== 'string') throw new AslResolutionError(`${id}.DefinitionString resolved to ${typeof text}, not a string`);
  let definition: AslDefinition;
  try {
    definition = JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new AslResolutionError(`${id}.DefinitionString is not JSON once resolved`, { cause: error });
  }
  ensureValid(definition);
  return { definition, arnToLogicalId: Object.fromEntries(names.fakes) };
}

// asl-validator compiles its JSON schemas on every call (130-330 ms here), and the engine would
// validate again on every run and for every Map iteration: validate each definition once.
const validated = new WeakSet<object>();

function ensureValid(definition: AslDefinition): void {
  if (validated.has(definition)) return;
  // The validator writes a default QueryLanguage into every state it checks: give it a copy.
  const result = validateAsl(structuredClone(definition), { checkArn: true, checkPaths: true });
  if (!result.isValid) throw new InvalidAslError(result.errorsText('\n').split('\n'));
  validated.add(definition);
}

/** `resolveAsl(...).definition`. */
/**
 * A resource's Properties with every intrinsic resolved to the same deterministic fakes as
 * `resolveAsl` (rules, schedules and functions beside a state machine, for the lifecycle run).
 * @throws AslResolutionError when the template has no such resource or a name cannot be resolved
 */
export function resolveProperties(template: CfnTemplateJson, logicalId: string, options: ResolveAslOptions = {}): Json {
  const resource = (template.Resources ?? {})[logicalId] as { Properties?: Json } | undefined;
  if (resource === undefined) throw new AslResolutionError(`the template has no resource ${logicalId}`);
  return new IntrinsicResolver(new FakeNames(template, options.producers ?? []), AslResolutionError).resolve(resource.Properties ?? {}, `${logicalId}.Properties`);
}

export function aslFromTemplate(template: CfnTemplateJson, logicalIdOrPathContains: string, options: ResolveAslOptions = {}): AslDefinition {
  return resolveAsl(template, logicalIdOrPathContains, options).definition;
}

// --- running ---------------------------------------------------------------------------------

const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke$/;
const LAMBDA_FUNCTION_ARN = /^arn:[\w-]+:lambda:[^:]*:\d*:function:([^:]+)(:[^:]+)?$/;

/** Every state of a definition, Map and Parallel inner states included. */
export function* allStates(definition: { States?: unknown }): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries((definition.States ?? {}) as Record<string, AslState>)) {
    yield [name, state];
    for (const branch of (state.Branches as unknown[] | undefined) ?? []) yield* allStates(branch as { States?: unknown });
    for (const inner of [state.ItemProcessor, state.Iterator]) if (inner) yield* allStates(inner as { States?: unknown });
  }
}

function isResolved(value: object): value is ResolvedAsl {
  return 'definition' in value && 'arnToLogicalId' in value;
}

function toJson(value: unknown): Json {
  // What a Lambda invocation does to its payload and result: JSON in, JSON out.
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}

function lambdaCause(error: unknown): string {
  // The Node.js runtime's error shape, which Step Functions puts in the Cause as JSON.
  const e = error instanceof Error ? error : new Error(String(error));
  return JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.stack ?? `${e.name}: ${e.message}`).split('\n') });
}

let executions = 0;

/**
 * Runs `definition` (or a `resolveAsl` result, whose map routes imported functions) with
 * `input`. Lambda tasks (`arn:aws:states:::lambda:invoke` with a FunctionName, or a function
 * ARN as the Resource) call `lambdas[prefix]` with the payload; the `lambda:invoke` result is
 * wrapped as `{ Payload, StatusCode: 200 }`. A thrown error fails the task with the error's
 * name as Error and, for Lambda tasks, the runtime's JSON as Cause, so Retry and Catch match
 * by name as in AWS. Every other Task needs an override.
 * @throws InvalidAslError when the definition does not validate
 * @throws UnroutedTaskError when a Task state with no handler is reached
 */
export async function runStateMachine(definition: AslDefinition | ResolvedAsl, input: unknown, options: RunOptions = {}): Promise<ExecutionTrace> {
  const { definition: asl, arnToLogicalId } = isResolved(definition) ? definition : { definition: definition as AslDefinition, arnToLogicalId: {} };
  if (JSON.stringify(asl).includes('"QueryLanguage":"JSONata"')) {
    throw new AslResolutionError('the definition uses JSONata, which aws-local-stepfunctions 3.0.0 silently ignores; write the workflow in JSONPath');
  }
  const calls: TaskCall[] = [];
  let unrouted: UnroutedTaskError | undefined;
  const lambdas = options.lambdas ?? {};

  const logicalIdOf = (functionRef: string): string => arnToLogicalId[functionRef] ?? LAMBDA_FUNCTION_ARN.exec(functionRef)?.[1] ?? parseCdkExportName(functionRef)?.id ?? functionRef;
  const lambdaFor = (logicalId: string): LambdaHandler | undefined => {
    const prefix = Object.keys(lambdas)
      .filter((p) => logicalId.startsWith(p))
      .sort((a, b) => b.length - a.length)[0];
    return prefix === undefined ? undefined : lambdas[prefix];
  };
  const fail = (message: string): never => {
    unrouted = new UnroutedTaskError(message);
    throw unrouted;
  };

  const taskHandlers: Record<string, (input: unknown) => Promise<Json>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  for (const [name, state] of allStates(asl)) {
    if (state.Type === 'Wait') waits[name] = options.waitTimeOverrides?.[name] ?? 0;
    if (Array.isArray(state.Retry)) retries[name] = options.retryIntervalOverrides?.[name] ?? 0;
    if (state.Type !== 'Task') continue;
    const resource = String(state.Resource);
    const override = options.overrides?.[name];
    taskHandlers[name] = async (parameters) => {
      const call: { -readonly [K in keyof TaskCall]: TaskCall[K] } = { state: name, resource, parameters };
      calls.push(call);
      try {
        if (override) return toJson(await override(parameters));
        const invoke = LAMBDA_INVOKE.test(resource);
        const functionRef = invoke ? (parameters as { FunctionName?: unknown } | null)?.FunctionName : resource;
        const functionLogicalId = typeof functionRef === 'string' && (invoke || functionRef in arnToLogicalId || LAMBDA_FUNCTION_ARN.test(functionRef)) ? logicalIdOf(functionRef) : undefined;
        if (functionLogicalId === undefined) return fail(`Task state "${name}" (${resource}) has no override: pass overrides["${name}"]`);
        const handler = lambdaFor(functionLogicalId);
        if (!handler) return fail(`Task state "${name}" invokes function ${functionLogicalId}, which no lambdas prefix matches (given: ${Object.keys(lambdas).join(', ') || 'none'})`);
        const payload = toJson(invoke ? (parameters as { Payload?: unknown }).Payload : parameters);
        Object.assign(call, { functionLogicalId, payload });
        try {
          const result = toJson(await handler(structuredClone(payload)));
          return invoke ? { Payload: result, StatusCode: 200 } : result;
        } catch (error) {
          throw new TaskFailure(error instanceof Error ? error.name : 'Error', lambdaCause(error), error);
        }
      } catch (error) {
        if (error instanceof UnroutedTaskError) throw error;
        const failure = error instanceof TaskFailure ? error : new TaskFailure(error instanceof Error ? error.name : 'Error', error instanceof Error ? error.message : String(error), error);
        call.error = failure.name;
        throw failure;
      }
    };
  }

  executions++;
  const executionName = options.executionName ?? `local-${executions}`;
  const stateMachineName = options.stateMachineName ?? 'LocalStateMachine';
  const extra = options.context ?? {};
  const context = {
    ...extra,
    Execution: {
      Id: regional('states', `execution:${stateMachineName}:${executionName}`),
      Name: executionName,
      RoleArn: `arn:${PARTITION}:iam::${FAKE_ACCOUNT}:role/${stateMachineName}Role`,
      ...(extra.Execution as object | undefined),
    },
    StateMachine: { Id: regional('states', `stateMachine:${stateMachineName}`), Name: stateMachineName, ...(extra.StateMachine as object | undefined) },
    Task: { Token: 'local-task-token', ...(extra.Task as object | undefined) },
  };

  ensureValid(asl);
  // Validated above, with the engine's own validator and options. The copy keeps the caller's
  // definition as it was.
  const machine = new StateMachine(structuredClone(asl) as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  const execution = machine.run(toJson(input), {
    overrides: { taskResourceLocalHandlers: taskHandlers, waitTimeOverrides: waits, retryIntervalOverrides: retries },
    context,
  });
  let output: unknown;
  let succeeded = true;
  try {
    output = await execution.result;
  } catch {
    succeeded = false;
  }
  // The event log is closed once the execution settles, so this drains it without waiting.
  const events: unknown[] = [];
  for await (const event of execution.eventLogs) events.push(event);
  if (unrouted) throw unrouted;
  const failStates = new Map([...allStates(asl)].filter(([, state]) => state.Type === 'Fail'));
  return summarize(events, calls, succeeded, output, failStates);
}

interface EngineEvent {
  type: string;
  state?: { name: string };
  Error?: string;
  Cause?: unknown;
  retry?: { attempt: number; retrier: { ErrorEquals: string[] } };
  catch?: { catcher: { ErrorEquals: string[]; Next: string } };
}

const causeText = (cause: unknown): string | undefined => (cause === undefined || cause === null ? undefined : typeof cause === 'string' ? cause : JSON.stringify(cause));

function summarize(events: unknown[], calls: TaskCall[], succeeded: boolean, output: unknown, failStates: ReadonlyMap<string, AslState>): ExecutionTrace {
  const log = events as EngineEvent[];
  const statesEntered = log.filter((event) => event.type === 'StateEntered').map((event) => event.state!.name);
  const failed = log.find((event) => event.type === 'ExecutionFailed');
  const timedOut = log.some((event) => event.type === 'ExecutionTimeout');
  let error: string | undefined = failed?.Error ?? (timedOut ? 'States.Timeout' : 'States.Runtime');
  let cause = causeText(failed?.Cause);
  // The engine fills in "FailStateError" and a sentence for a Fail state without Error or
  // Cause; Step Functions reports none.
  const failState = failStates.get(statesEntered.at(-1) ?? '');
  if (failState && failState.Error === undefined && failState.ErrorPath === undefined) error = undefined;
  if (failState && failState.Cause === undefined && failState.CausePath === undefined) cause = undefined;
  return {
    status: succeeded ? 'SUCCEEDED' : 'FAILED',
    ...(succeeded ? { output } : {}),
    ...(!succeeded && error !== undefined ? { error } : {}),
    ...(!succeeded && cause !== undefined ? { cause } : {}),
    calls,
    statesEntered,
    failures: log
      .filter((event) => event.type === 'StateFailed')
      .map((event) => ({ state: event.state!.name, error: event.Error ?? 'Error', ...(causeText(event.Cause) !== undefined ? { cause: causeText(event.Cause) } : {}) })),
    retries: log.filter((event) => event.type === 'StateRetried').map((event) => ({ state: event.state!.name, attempt: event.retry!.attempt, errorEquals: event.retry!.retrier.ErrorEquals })),
    caught: log.filter((event) => event.type === 'StateCaught').map((event) => ({ state: event.state!.name, errorEquals: event.catch!.catcher.ErrorEquals, next: event.catch!.catcher.Next })),
    events,
  };
}
