/*
 * The AWS limits only the synthesized templates show, checked on both shipped stages and on a
 * stage at the edges of the config (test/limits/synthesized.ts). Each limit and its page are in
 * lib/config/service-limits.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  CLOUDFORMATION,
  CLOUDWATCH,
  CLOUDWATCH_LOGS,
  EVENTBRIDGE,
  LAMBDA,
  SAGEMAKER_NAME,
  SNS,
  STEP_FUNCTIONS,
  TRAFFIC_SHIFTING,
} from '../../lib/config/service-limits';
import type { AslState } from '../../tools/local/state-machine';
import { statesOf, synthesized, type SynthesizedStateMachine } from './synthesized';

const { stacks, stateMachines } = synthesized();

describe('CloudFormation quotas (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html)', () => {
  it.each(stacks.map((s) => [s.stackName, s] as const))('%s: at most 500 resources, 200 outputs, 200 parameters and a 1 MB template', (_name, { template }) => {
    expect(Object.keys(template.Resources ?? {}).length).toBeLessThanOrEqual(CLOUDFORMATION.resourcesPerTemplate.value);
    expect(Object.keys(template.Outputs ?? {}).length).toBeLessThanOrEqual(CLOUDFORMATION.outputsPerTemplate.value);
    expect(Object.keys(template.Parameters ?? {}).length).toBeLessThanOrEqual(CLOUDFORMATION.parametersPerTemplate.value);
    // The CLI writes templates indented by one space; the upload is that file.
    expect(Buffer.byteLength(JSON.stringify(template, null, 1))).toBeLessThanOrEqual(CLOUDFORMATION.templateBodyS3MaxBytes.value);
  });
});

/** Every literal name of `type`'s `property` across all templates, with where it is. */
function literalNames(type: string, property: string): Array<[string, string]> {
  const names: Array<[string, string]> = [];
  for (const { stackName, template } of stacks) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      const value = resource.Type === type ? resource.Properties?.[property] : undefined;
      if (typeof value === 'string') names.push([`${stackName}/${id}`, value]);
      else if (value !== undefined) throw new Error(`${stackName}/${id}: ${type} ${property} is not a literal (${JSON.stringify(value)}); extend this test to resolve it`);
    }
  }
  return names;
}

describe('resource names fit their services', () => {
  const cases: Array<[string, string, string, { max?: number; pattern?: RegExp; url: string }, number]> = [
    // [what, type, property, limit, at least this many names across the three stages]
    ['Step Functions state machine names: 80 characters, CloudWatch-safe characters', 'AWS::StepFunctions::StateMachine', 'StateMachineName', { max: STEP_FUNCTIONS.nameMaxLength.value, pattern: /^[0-9A-Za-z_-]+$/, url: STEP_FUNCTIONS.nameMaxLength.url }, 6],
    ['CloudWatch alarm names: 255 characters', 'AWS::CloudWatch::Alarm', 'AlarmName', { max: CLOUDWATCH.alarmNameMaxLength.value, url: CLOUDWATCH.alarmNameMaxLength.url }, 9],
    ['CloudWatch dashboard names: 255 characters of A-Z a-z 0-9 - _', 'AWS::CloudWatch::Dashboard', 'DashboardName', { max: CLOUDWATCH.dashboardNameMaxLength.value, pattern: CLOUDWATCH.dashboardNamePattern.value, url: CLOUDWATCH.dashboardNamePattern.url }, 3],
    ['CloudWatch Logs log group names: 512 characters', 'AWS::Logs::LogGroup', 'LogGroupName', { max: CLOUDWATCH_LOGS.logGroupNameMaxLength.value, pattern: CLOUDWATCH_LOGS.logGroupNamePattern.value, url: CLOUDWATCH_LOGS.logGroupNameMaxLength.url }, 6],
    ['SNS topic names: 256 characters of letters, digits, - and _', 'AWS::SNS::Topic', 'TopicName', { pattern: SNS.topicNamePattern.value, url: SNS.topicNamePattern.url }, 6],
    ['EventBridge rule names: 64 characters (when named; CloudFormation generates the rest)', 'AWS::Events::Rule', 'Name', { max: EVENTBRIDGE.ruleNameMaxLength.value, pattern: EVENTBRIDGE.ruleNamePattern.value, url: EVENTBRIDGE.ruleNameMaxLength.url }, 0],
    ['EventBridge Scheduler schedule names: 64 characters (when named)', 'AWS::Scheduler::Schedule', 'Name', { max: EVENTBRIDGE.scheduleNameMaxLength.value, pattern: EVENTBRIDGE.scheduleNamePattern.value, url: EVENTBRIDGE.scheduleNameMaxLength.url }, 0],
  ];

  it.each(cases)('%s', (_what, type, property, limit, atLeast) => {
    const names = literalNames(type, property);
    expect(names.length, `${type} ${property}`).toBeGreaterThanOrEqual(atLeast);
    for (const [where, name] of names) {
      if (limit.max !== undefined) expect(name.length, `${where}: ${name} (${limit.url})`).toBeLessThanOrEqual(limit.max);
      if (limit.pattern) expect(name, `${where} (${limit.url})`).toMatch(limit.pattern);
    }
  });

  it(`keeps each state machine's log group under ${STEP_FUNCTIONS.vendedLogsPrefix.value} with an ARN of at most 256 characters (${STEP_FUNCTIONS.vendedLogsPrefix.url}, ${STEP_FUNCTIONS.logGroupArnMaxLength.url})`, () => {
    let checked = 0;
    for (const { stage, stackName, template } of stacks) {
      const resources = template.Resources ?? {};
      for (const [id, resource] of Object.entries(resources)) {
        if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
        const destinations = ((resource.Properties?.LoggingConfiguration as { Destinations?: Array<{ CloudWatchLogsLogGroup?: { LogGroupArn?: { 'Fn::GetAtt'?: [string, string] } } }> })?.Destinations ?? []);
        expect(destinations.length, `${stackName}/${id} logs`).toBe(1);
        const logGroupId = destinations[0]!.CloudWatchLogsLogGroup?.LogGroupArn?.['Fn::GetAtt']?.[0];
        const name = resources[logGroupId ?? '']?.Properties?.LogGroupName;
        expect(typeof name, `${stackName}/${id}: its log group is named in the template`).toBe('string');
        expect(name as string).toMatch(/^\/aws\/vendedlogs\//);
        // The longest ARN the stage's region gives: the partition and account are not known at synth.
        const arn = `arn:aws-us-gov:logs:${stage.region}:123456789012:log-group:${name as string}:*`;
        expect(arn.length, arn).toBeLessThanOrEqual(STEP_FUNCTIONS.logGroupArnMaxLength.value);
        checked++;
      }
    }
    expect(checked).toBe(6);
  });

  it(`keeps every function's environment within 4 KB (${LAMBDA.environmentMaxBytes.url})`, () => {
    let checked = 0;
    for (const { stackName, template } of stacks) {
      for (const [id, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type !== 'AWS::Lambda::Function') continue;
        const variables = (resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        // A reference resolves to a name or an ARN: count it as 256 bytes, more than any Gantry ARN.
        const bytes = Object.entries(variables).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 256), 0);
        expect(bytes, `${stackName}/${id}`).toBeLessThanOrEqual(LAMBDA.environmentMaxBytes.value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

// --- state machines ------------------------------------------------------------------------------

const SAGEMAKER_NAME_FIELDS = ['TrainingJobName', 'ProcessingJobName', 'CompilationJobName', 'TransformJobName', 'ModelName', 'EndpointConfigName', 'EndpointName'];
const RUN_ID = '12345678';

/** A name field's longest value: a literal, or States.Format('<fixed>{}…', …) with each {} an 8-hex run id; undefined when only run time knows it. */
function longestName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const format = /^States\.Format\('([^']*)'/.exec(value);
  if (format) return format[1]!.replaceAll('{}', RUN_ID);
  return value.startsWith('$') ? undefined : value;
}

describe(`SageMaker names in the workflows: ${SAGEMAKER_NAME.maxLength.value} characters of letters, digits and hyphens (${SAGEMAKER_NAME.maxLength.url})`, () => {
  it.each(stateMachines.map((m) => [m.name, m] as const))('%s', (_name, { definition }) => {
    let checked = 0;
    for (const [state, s] of statesOf(definition)) {
      const parameters = (s.Parameters ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(parameters)) {
        const field = key.replace(/\.\$$/, '');
        if (!SAGEMAKER_NAME_FIELDS.includes(field)) continue;
        const name = longestName(value);
        if (name === undefined) continue;
        expect(name.length, `${state}.${field}: ${name}`).toBeLessThanOrEqual(SAGEMAKER_NAME.maxLength.value);
        expect(name, `${state}.${field}`).toMatch(SAGEMAKER_NAME.pattern.value);
        checked++;
      }
    }
    expect(checked, 'names checked').toBeGreaterThan(0);
  });
});

describe(`Step Functions quotas (${STEP_FUNCTIONS.definitionMaxBytes.url})`, () => {
  it.each(stateMachines.map((m) => [m.name, m] as const))('%s: a definition under 1 MB, timeouts within the one-year execution', (_name, { definition }) => {
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeLessThanOrEqual(STEP_FUNCTIONS.definitionMaxBytes.value);
    const execution = definition.TimeoutSeconds as number | undefined;
    expect(execution, 'the execution has a timeout').toBeTypeOf('number');
    expect(execution!).toBeLessThanOrEqual(STEP_FUNCTIONS.executionMaxSeconds.value);
    for (const [state, s] of statesOf(definition)) {
      // A task token wait (.waitForTaskToken) is bounded by its TimeoutSeconds, and by the execution's.
      if (typeof s.TimeoutSeconds === 'number') expect(s.TimeoutSeconds, state).toBeLessThanOrEqual(execution!);
      if (String(s.Resource ?? '').endsWith('.waitForTaskToken')) expect(s.TimeoutSeconds, `${state} waits for a token with a timeout`).toBeTypeOf('number');
    }
  });

  it.each(stateMachines.map((m) => [m.name, m] as const))(`%s: at most ${STEP_FUNCTIONS.historyMaxEvents.value} history events in the worst case (${STEP_FUNCTIONS.historyEventTypes})`, (_name, machine) => {
    const worst = worstCaseHistoryEvents(machine);
    expect(worst.events, worst.explain).toBeLessThanOrEqual(STEP_FUNCTIONS.historyMaxEvents.value);
  });

  it("counts the deploy poll loop of the longest deploy timeout (480 polls at 60 s) and the Failed endpoint's deletion loop (30 polls)", () => {
    const deploy = stateMachines.find((m) => m.name === 'gantry-a234567890123456-b234567890123456789012-deploy')!;
    const worst = worstCaseHistoryEvents(deploy);
    expect(worst.loops.map((l) => ({ iterations: l.iterations, states: [...l.states].sort() }))).toEqual(
      expect.arrayContaining([
        { iterations: 481, states: ['CountPoll', 'DescribeEndpoint', 'EndpointStatus', 'WaitForEndpoint'] },
        { iterations: 31, states: ['CountDeletionPoll', 'DeletionStatus', 'DescribeDeletion', 'WaitForDeletion'] },
      ]),
    );
    expect(worst.loops).toHaveLength(2);
    expect(worst.events).toBeGreaterThan(480 * 11 + 30 * 11);
  });

  it(`passes at most ${TRAFFIC_SHIFTING.autoRollbackMaxAlarms.value} rollback alarms to UpdateEndpoint (${TRAFFIC_SHIFTING.autoRollbackMaxAlarms.url})`, () => {
    let checked = 0;
    for (const { definition } of stateMachines) {
      for (const [state, s] of statesOf(definition)) {
        const alarms = ((s.Parameters as { DeploymentConfig?: { AutoRollbackConfiguration?: { Alarms?: unknown[] } } } | undefined)?.DeploymentConfig?.AutoRollbackConfiguration?.Alarms);
        if (!alarms) continue;
        expect(alarms.length, state).toBeGreaterThanOrEqual(1);
        expect(alarms.length, state).toBeLessThanOrEqual(TRAFFIC_SHIFTING.autoRollbackMaxAlarms.value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

// --- worst-case history events -------------------------------------------------------------------

/**
 * Events a visit to a state adds to the history (HistoryEvent types): a Task enters, is
 * scheduled, starts, is submitted (.sync), succeeds or fails and exits (6), and each retry
 * schedules, starts and fails again (3); a Fail state only enters; every other state enters and
 * exits.
 */
function eventsPerVisit(state: AslState): number {
  if (state.Type === 'Task') {
    const retries = ((state.Retry as Array<{ MaxAttempts?: number }> | undefined) ?? []).reduce((sum, r) => sum + (r.MaxAttempts ?? 3), 0);
    return 6 + 3 * retries;
  }
  if (state.Type === 'Fail') return 1;
  if (state.Type === 'Map' || state.Type === 'Parallel') throw new Error('extend worstCaseHistoryEvents for Map and Parallel states');
  return 2;
}

function successors(state: AslState): string[] {
  const next: string[] = [];
  if (typeof state.Next === 'string') next.push(state.Next);
  if (typeof state.Default === 'string') next.push(state.Default);
  for (const choice of (state.Choices as Array<{ Next?: string }> | undefined) ?? []) if (choice.Next) next.push(choice.Next);
  for (const c of (state.Catch as Array<{ Next?: string }> | undefined) ?? []) if (c.Next) next.push(c.Next);
  return next;
}

/** The strongly connected components of the state graph (Tarjan). */
function cycles(states: Readonly<Record<string, AslState>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of successors(states[v]!)) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || successors(states[v]!).includes(v)) found.push(component);
    }
  };
  for (const name of Object.keys(states)) if (!indices.has(name)) visit(name);
  return found;
}

/** The bound of a poll loop: a Choice in it leaves when a counter reaches N (NumericGreaterThanEquals). */
function loopBound(states: Readonly<Record<string, AslState>>, loop: readonly string[]): number | undefined {
  const rules = (rule: Record<string, unknown>): Array<Record<string, unknown>> => [rule, ...((rule.And ?? rule.Or ?? []) as Array<Record<string, unknown>>).flatMap(rules)];
  for (const name of loop) {
    const state = states[name]!;
    if (state.Type !== 'Choice') continue;
    for (const choice of (state.Choices as Array<Record<string, unknown>>) ?? []) {
      if (loop.includes(String(choice.Next))) continue;
      for (const rule of rules(choice)) if (typeof rule.NumericGreaterThanEquals === 'number') return rule.NumericGreaterThanEquals;
    }
  }
  return undefined;
}

/**
 * An upper bound on one execution's history: every state outside a loop visited once (branches
 * that exclude each other all counted), every state of a bounded poll loop visited bound + 1
 * times with every retry taken, plus the execution's start and end.
 */
function worstCaseHistoryEvents(machine: SynthesizedStateMachine): { events: number; loops: Array<{ states: string[]; iterations: number }>; explain: string } {
  const states = machine.definition.States;
  const loops = cycles(states).map((loop) => {
    const bound = loopBound(states, loop);
    if (bound === undefined) throw new Error(`${machine.name}: the loop ${loop.join(' → ')} has no NumericGreaterThanEquals bound, so its history is unbounded`);
    return { states: loop, iterations: bound + 1 };
  });
  const inLoop = new Map(loops.flatMap((l) => l.states.map((s) => [s, l.iterations] as const)));
  let events = 2;
  for (const [name, state] of Object.entries(states)) events += eventsPerVisit(state) * (inLoop.get(name) ?? 1);
  const explain = `${machine.name}: ${events} events; loops ${loops.map((l) => `${l.states.join('/')} × ${l.iterations}`).join(', ') || 'none'}`;
  return { events, loops, explain };
}
