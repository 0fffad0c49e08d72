import type { AwsEnvironment } from '../support/physical-names';
import type { StageModel, StageResource } from '../support/stage-model';
import type { RolePrincipal } from './requests';
import { SAMPLE } from './sample-run';
import type { WorkflowTask } from './workflows';

/*
 * Every way the templates invoke a Lambda function, with the payload it receives: a state
 * machine task's (sample-evaluated) Parameters, an EventBridge rule target's Input or
 * InputTemplate, a schedule's Input. A handler's requests are derived from these payloads and
 * its environment (function-calls.ts), so they name the buckets, keys and ARNs the stage uses.
 */

export interface FunctionInvocation {
  readonly fn: StageResource;
  /** The handler folder under `lambdas/` (from the function's POWERTOOLS_SERVICE_NAME, `gantry-<handler>`). */
  readonly handler: string;
  readonly role: RolePrincipal;
  /** The function's environment variables, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly payload: Readonly<Record<string, unknown>>;
  /** What invokes it: the task, rule or schedule. */
  readonly origin: string;
  readonly env: AwsEnvironment;
}

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {});

/** A CloudWatch alarm state change as EventBridge delivers it, for `<aws.events.event.json>`. */
function sampleAlarmEvent(env: AwsEnvironment): Obj {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: env.account,
    time: SAMPLE.now.toISOString(),
    region: env.region,
    resources: [],
    detail: { alarmName: 'sample', state: { value: 'ALARM', reason: 'sample', timestamp: SAMPLE.now.toISOString() } },
  };
}

/** An InputTemplate with its placeholders filled: the whole event, or a sample string for a path. */
function fillTemplate(template: string, env: AwsEnvironment): Obj {
  const text = template.replace(/<aws\.events\.event(\.json)?>/g, JSON.stringify(sampleAlarmEvent(env))).replace(/<[\w.-]+>/g, '"sample"');
  return obj(JSON.parse(text));
}

const functionArnOf = (arn: string) => arn.replace(/^(arn:[\w-]+:lambda:[^:]+:\d+:function:[^:]+)(:.+)?$/, '$1');

export function functionInvocations(model: StageModel, tasks: readonly WorkflowTask[], role: (arn: string, where: string) => RolePrincipal): FunctionInvocation[] {
  const functions = new Map(model.ofType('AWS::Lambda::Function').map((fn) => [model.arn(fn), fn]));
  const invocations: FunctionInvocation[] = [];
  const add = (arn: string, payload: Obj, origin: string) => {
    const fn = functions.get(functionArnOf(arn));
    if (!fn) return;
    const props = model.properties(fn);
    const environment = Object.fromEntries(Object.entries(obj(obj(props.Environment).Variables)).map(([k, v]) => [k, String(v)]));
    const service = environment.POWERTOOLS_SERVICE_NAME ?? '';
    if (!service.startsWith('gantry-')) throw new Error(`${model.describe(fn)}: cannot tell its handler (POWERTOOLS_SERVICE_NAME is ${JSON.stringify(service)})`);
    invocations.push({ fn, handler: service.slice('gantry-'.length), role: role(String(props.Role), model.describe(fn)), environment, payload, origin, env: model.environment });
  };

  for (const task of tasks) {
    if (task.integration.kind === 'function') add(task.resource, obj(task.parameters), task.origin);
    else if (task.integration.service === 'lambda' && task.integration.api === 'invoke') add(String(task.parameters.FunctionName), obj(task.parameters.Payload), task.origin);
  }
  for (const rule of model.ofType('AWS::Events::Rule')) {
    const targets = model.properties(rule).Targets;
    for (const target of Array.isArray(targets) ? targets : []) {
      const t = obj(target);
      const template = obj(t.InputTransformer).InputTemplate;
      const payload = typeof t.Input === 'string' ? obj(JSON.parse(t.Input)) : typeof template === 'string' ? fillTemplate(template, model.environment) : {};
      add(String(t.Arn), payload, model.describe(rule));
    }
  }
  for (const schedule of model.ofType('AWS::Scheduler::Schedule')) {
    const target = obj(model.properties(schedule).Target);
    add(String(target.Arn), typeof target.Input === 'string' ? obj(JSON.parse(target.Input)) : {}, model.describe(schedule));
  }
  return invocations;
}

/** The handler of each function of the stage, invoked or not. */
export function functionHandlers(model: StageModel): Map<string, StageResource> {
  return new Map(
    model.ofType('AWS::Lambda::Function').flatMap((fn) => {
      const service = obj(obj(model.properties(fn).Environment).Variables).POWERTOOLS_SERVICE_NAME;
      return typeof service === 'string' && service.startsWith('gantry-') ? [[service.slice('gantry-'.length), fn] as const] : [];
    }),
  );
}
