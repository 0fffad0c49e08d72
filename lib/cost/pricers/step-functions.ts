/** AWS Step Functions, standard workflows: state transitions of each model's training and deploy runs. */
import { formatCount, formatPrice } from '../format';
import { modelUsage } from '../usage';
import { unpriced, type ServicePricers } from './pricer';

/** State transitions of one run (assumed): training validates, processes, trains, evaluates, gates, registers, …; deploy checks, plans, deploys, waits, promotes, … */
export const TRANSITIONS_PER_RUN = { training: 40, deploy: 30 } as const;

export const STEP_FUNCTIONS_PRICERS: ServicePricers = {
  'AWS::StepFunctions::StateMachine': (resource, p) => {
    const props = resource.props;
    const name = typeof props['StateMachineName'] === 'string' ? props['StateMachineName'] : resource.logicalId;
    const m = resource.model();
    const kind = /training$/i.test(name) ? 'training' : /deploy$/i.test(name) ? 'deploy' : undefined;
    if (props['StateMachineType'] === 'EXPRESS') throw unpriced(resource, ' (Express workflow)');
    const rate = p.usd('stepfunctions.standard.transitions-1k');
    if (!m || !kind) return { idleUsd: 0, expectedUsd: 0, basis: `no run model for this workflow: counted at 0 transitions (× ${formatPrice(rate)}/1,000)` };
    const u = modelUsage(m);
    const runs = kind === 'training' ? u.trainingRuns : u.deployments;
    const per = TRANSITIONS_PER_RUN[kind];
    const transitions = runs * per;
    return {
      idleUsd: 0,
      expectedUsd: (transitions / 1000) * rate,
      basis: `${formatCount(runs)} ${kind === 'training' ? 'training runs' : 'deployments'} × ~${per} transitions = ${formatCount(transitions)} × ${formatPrice(rate)}/1,000`,
    };
  },
};
