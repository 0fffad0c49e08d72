import { Template } from 'aws-cdk-lib/assertions';
import type { ModelServingContract } from '../../../lib/contract';
import { offlineStage } from '../offline-stage';
import { resolveAsl, resolveProperties, type CfnTemplateJson, type ResolvedAsl } from '../state-machine';
import type { LocalRule } from './local-event-bus';

/**
 * The stage the lifecycle runs: synthesized as `cdk synth` would (bundling skipped), with its
 * state machines, rules and schedules resolved to deterministic names. The lake buckets'
 * names become valid s3rver bucket names everywhere they appear.
 */

type Json = any;

export interface LifecycleStage {
  readonly stageName: string;
  readonly model: string;
  readonly endpointName: string;
  readonly contract: ModelServingContract;
  readonly data: CfnTemplateJson;
  readonly training: ResolvedAsl & { readonly arn: string; readonly name: string };
  readonly deploy: ResolvedAsl & { readonly arn: string; readonly name: string };
  readonly rules: Readonly<Record<'newData' | 'drift' | 'rollback', LocalRule>>;
  /** The drift schedule's input: the check the scheduler sends every window. */
  readonly driftCheck: Json;
  /** The rollback rule's alarms, in the ARN format the rule matches. */
  readonly alarmArns: readonly string[];
  readonly alarmNames: readonly string[];
  readonly buckets: { readonly curated: string; readonly artifacts: string; readonly capture: string };
}

export function loadStage(stageName: string, model: string): LifecycleStage {
  const stage = offlineStage(stageName);
  const json = (s: Parameters<typeof Template.fromStack>[0]) => Template.fromStack(s).toJSON() as CfnTemplateJson;
  const modelStack = stage.models.get(model);
  if (!modelStack) throw new Error(`stage ${stageName} has no model ${model}`);
  const [data, runtime, models] = [json(stage.data), json(stage.runtime), json(modelStack)];
  const producers = [data, runtime];

  const renames = bucketRenames(data);
  const rename = <T>(value: T): T => {
    let text = JSON.stringify(value);
    for (const [from, to] of renames) text = text.split(from).join(to);
    return JSON.parse(text) as T;
  };
  const byPath = (template: CfnTemplateJson, type: string, pathContains: string): string => {
    const found = Object.entries(template.Resources ?? {}).filter(([, r]) => (r as Json).Type === type && String((r as Json).Metadata?.['aws:cdk:path'] ?? '').includes(pathContains));
    if (found.length !== 1) throw new Error(`expected one ${type} under ${pathContains}, found ${found.length}`);
    return found[0]![0];
  };
  const machine = (path: string) => {
    const id = byPath(models, 'AWS::StepFunctions::StateMachine', path);
    const resolved = rename(resolveAsl(models, id, { producers }));
    const name = String((models.Resources![id] as Json).Properties.StateMachineName);
    return { ...resolved, arn: `arn:aws:states:us-east-1:111111111111:stateMachine:${id}`, name };
  };
  const properties = (id: string): Json => rename(resolveProperties(models, id, { producers }));
  const rule = (path: string): LocalRule => {
    const id = byPath(models, 'AWS::Events::Rule', path);
    const p = properties(id);
    return { id, pattern: p.EventPattern, targets: p.Targets };
  };
  const alarms = Object.entries(models.Resources ?? {}).filter(([, r]) => (r as Json).Type === 'AWS::CloudWatch::Alarm');
  const rollback = rule('/RollbackRule/');
  const bucket = (path: string) => renames.get(`fake-${byPath(data, 'AWS::S3::Bucket', path)}`)!;
  return {
    stageName,
    model,
    endpointName: modelStack.servingContract.endpointName,
    contract: modelStack.servingContract,
    data,
    training: machine('/Training/StateMachine/'),
    deploy: machine('/Deploy/StateMachine/'),
    rules: { newData: rule('/NewDataRule/'), drift: rule('/DriftRule/'), rollback },
    driftCheck: JSON.parse(properties(byPath(models, 'AWS::Scheduler::Schedule', '/DriftSchedule/')).Target.Input),
    alarmArns: rollback.pattern.resources,
    alarmNames: alarms.map(([id]) => String(properties(id).AlarmName)).filter((name) => rollback.pattern.resources.length > 0 && name.startsWith(modelStack.servingContract.endpointName)),
    buckets: { curated: bucket('/Lake/Curated/'), artifacts: bucket('/Lake/Artifacts/'), capture: bucket('/Lake/Capture/') },
  };
}

/** `fake-<LogicalId>` (not a valid bucket name) → a lower-case name s3rver accepts, longest first. */
function bucketRenames(data: CfnTemplateJson): Map<string, string> {
  const ids = Object.entries(data.Resources ?? {})
    .filter(([, r]) => (r as Json).Type === 'AWS::S3::Bucket')
    .map(([id]) => id)
    .sort((a, b) => b.length - a.length);
  return new Map(ids.map((id) => [`fake-${id}`, `lifecycle-${id.toLowerCase()}`.slice(0, 63)]));
}
