import type { StageModel, StageResource } from '../support/stage-model';
import type { RoleWithPolicies } from './principals';
import type { RolePrincipal } from './requests';
import { evaluateParameters, SAMPLE } from './sample-run';

/*
 * The Task states of every state machine of a stage, each with the service integration it
 * calls and its Parameters evaluated against one realistic run (sample-run.ts). The sample
 * state a workflow reads is built from the templates themselves: the training pipeline's data
 * URI default, its jobs' own names and output paths, the deploy workflow's endpoint.
 */

/** How a Task state calls its service. */
export interface Integration {
  /** `optimized` (`arn:aws:states:::sagemaker:createModel`), `sdk` (`arn:aws:states:::aws-sdk:…`), or a Lambda function ARN as the Resource. */
  readonly kind: 'optimized' | 'sdk' | 'function';
  /** The integration's service name as Step Functions spells it (`sagemaker`, `applicationautoscaling`, `lambda`). */
  readonly service: string;
  /** The API, lower camel case as in the Resource (`createTrainingJob`). */
  readonly api: string;
  readonly pattern: 'request-response' | 'sync' | 'wait-for-task-token';
}

export interface WorkflowTask {
  readonly machine: StageResource;
  /** The state machine's execution role. */
  readonly role: RolePrincipal;
  readonly state: string;
  readonly resource: string;
  readonly integration: Integration;
  /** Parameters evaluated against the sample run (a Lambda function task's payload is its Parameters). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** `<machine path> <state> (<resource>)`, for denial messages. */
  readonly origin: string;
  /** The model the machine belongs to (its `Model` tag). */
  readonly modelName: string | undefined;
}

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: unknown;
  readonly Branches?: readonly { readonly States: Record<string, AslState> }[];
  readonly ItemProcessor?: { readonly States: Record<string, AslState> };
  readonly Iterator?: { readonly States: Record<string, AslState> };
}

function* statesOf(states: Readonly<Record<string, AslState>>): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    for (const branch of state.Branches ?? []) yield* statesOf(branch.States);
    for (const inner of [state.ItemProcessor, state.Iterator]) if (inner) yield* statesOf(inner.States);
  }
}

/** The integration a Task Resource names. */
export function parseIntegration(resource: string): Integration {
  if (/^arn:[\w-]+:lambda:/.test(resource)) return { kind: 'function', service: 'lambda', api: 'invoke', pattern: 'request-response' };
  const match = /^arn:[\w-]+:states:::(aws-sdk:)?([\w-]+):([A-Za-z]+)(\.sync(:2)?|\.waitForTaskToken)?$/.exec(resource);
  if (!match) throw new Error(`not a Step Functions service integration: ${resource}`);
  const suffix = match[4];
  return {
    kind: match[1] ? 'sdk' : 'optimized',
    service: match[2]!,
    api: match[3]!,
    pattern: suffix === undefined ? 'request-response' : suffix.startsWith('.sync') ? 'sync' : 'wait-for-task-token',
  };
}

function tagValue(model: StageModel, resource: StageResource, key: string): string | undefined {
  const tags = model.properties(resource).Tags;
  return Array.isArray(tags) ? (tags.find((tag) => (tag as { Key?: unknown }).Key === key) as { Value?: string } | undefined)?.Value : undefined;
}

function definitionOf(model: StageModel, machine: StageResource): Readonly<Record<string, AslState>> {
  const text = model.resolveString(machine.stackName, machine.rawProperties.DefinitionString, `${model.describe(machine)}.DefinitionString`);
  return (JSON.parse(text) as { States: Record<string, AslState> }).States;
}

type State = Record<string, unknown>;
const obj = (value: unknown): State => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as State) : {});

/**
 * The state a sample run of one model's workflows reads: what the pipeline's first states and
 * its tasks would have put at `$.run`, `$.data`, `$.train`, `$.compile` and `$.baseline`, and
 * what the deploy function's plan would hold at `$.plan`.
 */
function sampleState(machines: readonly { definition: Readonly<Record<string, AslState>> }[], image: string | undefined): State {
  const states = machines.flatMap(({ definition }) => [...statesOf(definition)]);
  const dataUri = states.map(([, s]) => obj(obj(s.Parameters).defaults).dataUri).find((uri): uri is string => typeof uri === 'string');
  const state: State = {
    run: { id: SAMPLE.runId, reason: 'schedule', dataUri, hyperparameters: {} },
    data: { dataUri, dataInputs: [] },
    registered: { version: SAMPLE.version },
    gate: { passed: true, reason: 'sample' },
    evaluation: { metrics: {} },
  };
  const context = sampleContext('sample');
  const evaluate = (parameters: unknown) => obj(evaluateParameters(parameters, state, context));
  const task = (api: string) => states.find(([, s]) => s.Type === 'Task' && typeof s.Resource === 'string' && s.Resource.includes(`:${api}`))?.[1];

  const train = task('createTrainingJob');
  if (train) {
    const p = evaluate(train.Parameters);
    const name = String(p.TrainingJobName);
    state.train = { TrainingJobName: name, ModelArtifacts: { S3ModelArtifacts: `${String(obj(p.OutputDataConfig).S3OutputPath)}${name}/output/model.tar.gz` } };
  }
  const compile = task('createCompilationJob');
  if (compile) {
    const p = evaluate(compile.Parameters);
    // Neo names its output after the input artifact and the target device.
    const artifactUri = `${String(obj(p.OutputConfig).S3OutputLocation)}model-${String(obj(p.OutputConfig).TargetDevice)}.tar.gz`;
    state.compile = { artifactUri };
    state.compileStatus = { status: 'COMPLETED', artifactUri };
  }
  const baseline = states.find(([name]) => name === 'Baseline')?.[1];
  if (baseline) state.baseline = { baselineUri: evaluate(baseline.Parameters).baselineUri };

  const endpointName = states.map(([, s]) => obj(s.Parameters).EndpointName).find((name): name is string => typeof name === 'string');
  if (endpointName) {
    const resourceName = `${endpointName}-v${SAMPLE.version}-${SAMPLE.runId}`;
    const artifactUri = obj(state.compile).artifactUri ?? obj(obj(state.train).ModelArtifacts).S3ModelArtifacts;
    state.plan = {
      version: SAMPLE.version,
      previousVersion: SAMPLE.previousVersion,
      resourceName,
      imageUri: image,
      artifactUri,
      endpointExists: true,
      currentConfigName: `${endpointName}-v${SAMPLE.previousVersion}-0f9e8d7c`,
      rollback: false,
      instanceTypeChanged: false,
    };
    state.endpoint = { status: 'InService', configName: resourceName };
  }
  return state;
}

function sampleContext(machineArn: string): State {
  const executionArn = machineArn.replace(':stateMachine:', ':execution:') + `:${SAMPLE.executionName}`;
  return {
    Execution: { Id: executionArn, Name: SAMPLE.executionName, StartTime: SAMPLE.now.toISOString() },
    StateMachine: { Id: machineArn },
    Task: { Token: 'AQCEAAAAKgAAAAMAAAAAAAAAA' },
  };
}

/** Every Task state of every state machine of the stage, evaluated against the sample run. */
export function workflowTasks(model: StageModel, roles: readonly RoleWithPolicies[], images: ReadonlyMap<string, string> = new Map()): WorkflowTask[] {
  const roleByArn = new Map(roles.map((role) => [role.principal.arn, role.principal]));
  const machines = model.ofType('AWS::StepFunctions::StateMachine').map((machine) => ({ machine, definition: definitionOf(model, machine), modelName: tagValue(model, machine, 'Model') }));
  const tasks: WorkflowTask[] = [];
  for (const stackName of new Set(machines.map((m) => m.machine.stackName))) {
    const ofStack = machines.filter((m) => m.machine.stackName === stackName);
    const state = sampleState(ofStack, images.get(ofStack[0]!.modelName ?? ''));
    for (const { machine, definition, modelName } of ofStack) {
      const roleArn = String(model.properties(machine).RoleArn);
      const role = roleByArn.get(roleArn);
      if (!role) throw new Error(`${model.describe(machine)} runs as ${roleArn}, which is not a role of the stage`);
      const context = sampleContext(model.arn(machine));
      for (const [name, s] of statesOf(definition)) {
        if (s.Type !== 'Task' || typeof s.Resource !== 'string') continue;
        tasks.push({
          machine,
          role,
          state: name,
          resource: s.Resource,
          integration: parseIntegration(s.Resource),
          parameters: obj(evaluateParameters(s.Parameters ?? {}, state, context)),
          origin: `${model.describe(machine).replace(/\/Resource$/, '')} state ${name} (${s.Resource})`,
          modelName,
        });
      }
    }
  }
  return tasks;
}
