/**
 * AWS Lambda (Arm): the shared runtime functions, invoked per training run and per deployment.
 * The drift function's invocations are priced on each model's drift line (`drift-checks.ts`).
 */
import { FUNCTION_NAMES, functionServiceName, type FunctionName } from '../../contract';
import { formatCount, formatPrice } from '../format';
import { UnpricedError } from '../types';
import { modelUsage } from '../usage';
import { sum, unpriced, type PricingContext, type ServicePricers } from './pricer';

/** How often a function runs and for how long: per training run, per deployment, and the seconds of one invocation. */
interface InvocationModel {
  readonly perTrainingRun: number;
  readonly perDeployment: number;
  readonly seconds: number;
  /** When it runs, in words, for the line's basis. */
  readonly what: string;
}

/**
 * Invocations a month of the shared runtime functions, by the contract's function name. Keyed by
 * `FunctionName`, so a function added to the contract does not compile until it has a model here.
 */
export const FUNCTION_MODEL: Readonly<Record<Exclude<FunctionName, 'drift'>, InvocationModel>> = {
  'validate-data': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'baseline': { perTrainingRun: 1, perDeployment: 0, seconds: 60, what: 'once per training run (streams the training data)' },
  'evaluate': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'gate': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'register': { perTrainingRun: 1, perDeployment: 0, seconds: 2, what: 'once per training run' },
  'deploy': { perTrainingRun: 0, perDeployment: 3, seconds: 2, what: 'check, plan and promote per deployment' },
  'record-event': { perTrainingRun: 0, perDeployment: 0, seconds: 1, what: 'pipeline failures only' },
  'rollback': { perTrainingRun: 0, perDeployment: 0, seconds: 2, what: 'endpoint alarms only' },
};

export const DRIFT_SERVICE = functionServiceName('drift');

/** MB of the drift function when the templates do not show it. */
const DEFAULT_DRIFT_FUNCTION_MB = 1024;

/** The Powertools service name a function's environment gives it: which of the contract's functions it is. */
export function serviceName(props: Readonly<Record<string, unknown>>): string | undefined {
  const vars = (props['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables;
  const name = vars?.['POWERTOOLS_SERVICE_NAME'];
  return typeof name === 'string' ? name : undefined;
}

/** The drift function's memory, as the templates give it. */
export function driftFunctionMb(ctx: PricingContext): number {
  for (const stack of ctx.stacks) {
    for (const resource of Object.values(stack.template.Resources ?? {})) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::Lambda::Function' && serviceName(props) === DRIFT_SERVICE && typeof props['MemorySize'] === 'number') return props['MemorySize'];
    }
  }
  return DEFAULT_DRIFT_FUNCTION_MB;
}

export const LAMBDA_PRICERS: ServicePricers = {
  'AWS::Lambda::Function': (resource, p, ctx) => {
    const props = resource.props;
    const arch = Array.isArray(props['Architectures']) ? props['Architectures'] : ['x86_64'];
    if (!arch.includes('arm64')) throw unpriced(resource, ' on x86_64 (only Arm is priced)');
    const mb = typeof props['MemorySize'] === 'number' ? props['MemorySize'] : 128;
    const service = serviceName(props);
    const gbs = p.usd('lambda.arm.gb-second');
    const req = p.usd('lambda.requests-million');
    if (service === DRIFT_SERVICE) return { idleUsd: 0, expectedUsd: 0, basis: `drift checks are on the models' drift lines (× ${formatPrice(gbs)}/GB-s at ${mb} MB)` };
    const name = FUNCTION_NAMES.find((fn) => functionServiceName(fn) === service);
    // A function of the contract's list always has a model (the Record's type says so); anything else is not Gantry's.
    if (name === undefined || name === 'drift') throw new UnpricedError(`Lambda function with service name ${service ?? '(none)'} is not one of the stage's functions (${FUNCTION_NAMES.join(', ')})`);
    const model = FUNCTION_MODEL[name];
    const usage = ctx.config.models.map(modelUsage);
    const invocations = sum(usage.map((u) => u.trainingRuns * model.perTrainingRun + u.deployments * model.perDeployment));
    const gbSeconds = invocations * model.seconds * (mb / 1024);
    return {
      idleUsd: 0,
      expectedUsd: gbSeconds * gbs + (invocations / 1e6) * req,
      basis: `${service}: ${model.what} = ${formatCount(invocations)} invocations × ~${model.seconds} s × ${mb / 1024} GB = ${formatCount(gbSeconds)} GB-s × ${formatPrice(gbs)} + requests × ${formatPrice(req)}/million`,
    };
  },
};
