import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllStageConfigs } from '../../lib/config';
import { synthesizeStageTemplates } from '../support/stage-templates';
import { FUNCTION_CALLS } from './function-calls';
import { functionHandlers } from './function-invocations';
import { isAwsManagedPolicy } from './principals';
import { describeFailures } from './report';
import { simulateStage, type SimulatedRequest } from './simulate';
import { stageRequests } from './stage-requests';
import { iamAction } from './task-calls';

/*
 * "Proven deployable", offline: every request every principal of each shipped stage makes at
 * run time, derived from the synthesized templates, is allowed by IAM as simulated; every
 * security negative is denied. Each stage is synthesized once, when the file is collected, so
 * there is one test per principal; the simulation runs once per stage, before its tests.
 */

for (const config of loadAllStageConfigs()) {
  const derived = stageRequests(synthesizeStageTemplates(config.name));
  const principals = [...new Set(derived.requests.filter((r) => r.expect !== 'deny').map((r) => r.principal.id))];
  let results: SimulatedRequest[] = [];

  describe(`stage ${config.name}`, () => {
    beforeAll(async () => {
      results = await simulateStage(derived);
    });

    for (const principal of principals) {
      it(`every run-time request of ${principal} is allowed`, () => {
        const own = results.filter((r) => r.request.principal.id === principal && r.request.expect !== 'deny');
        expect(own.length).toBeGreaterThan(0);
        expect(describeFailures(own)).toBe('');
      });
    }

    it('every security negative is denied (zone direction, model isolation)', () => {
      const negatives = results.filter((r) => r.request.expect === 'deny' && r.request.rule !== 'trust-confused-deputy');
      expect(negatives.length).toBeGreaterThan(0);
      expect(describeFailures(negatives)).toBe('');
    });

    it("deletes a Failed endpoint only with its own workflow's tags: DeleteEndpoint allowed as CreateEndpoint tagged it, denied for any other owner", () => {
      const deletes = results.filter((r) => r.request.action === 'sagemaker:DeleteEndpoint');
      const allowed = deletes.filter((r) => r.request.expect !== 'deny');
      expect(allowed.map((r) => r.request.resource).sort()).toEqual(config.models.map((m) => `arn:${derived.model.environment.partition}:sagemaker:${derived.model.environment.region}:${derived.model.environment.account}:endpoint/gantry-${config.name}-${m.name}`).sort());
      for (const r of allowed) {
        expect(r.request.context).toMatchObject({ 'aws:ResourceTag/Model': expect.any(String), 'aws:ResourceTag/ExecutionId': expect.stringMatching(/:execution:gantry-[^:]+-deploy:/) });
        expect(r.result, r.request.origin).toBe('Allowed');
      }
      // Five owners that are not the workflow, per endpoint.
      expect(deletes.filter((r) => r.request.rule === 'endpoint-ownership')).toHaveLength(5 * allowed.length);
      expect(describeFailures(deletes)).toBe('');
      // The deploy function reads the tags first.
      expect(results.filter((r) => r.request.action === 'sagemaker:ListTags' && r.request.expect !== 'deny').length).toBeGreaterThan(0);
    });

    for (const role of derived.roles.filter((r) => r.trustedServices.includes('sagemaker.amazonaws.com'))) {
      it(`the SageMaker role ${role.principal.id} refuses sts:AssumeRole when SageMaker acts for another account`, () => {
        const attempts = results.filter((r) => r.request.rule === 'trust-confused-deputy' && r.request.resource === role.principal.arn);
        expect(attempts.length).toBeGreaterThan(0);
        expect(describeFailures(attempts)).toBe('');
      });
    }

    it('simulates every policy a role has: none is AWS managed or outside the stage', () => {
      const unsimulated = derived.roles.flatMap((role) => role.unsimulatedPolicyArns.map((arn) => `${role.principal.id}: ${arn}${isAwsManagedPolicy(arn) ? ' (AWS managed)' : ''}`));
      expect(unsimulated).toEqual([]);
    });

    it('derives requests from every state machine task, every function and every role', () => {
      expect(derived.tasks.length).toBeGreaterThan(0);
      const calls = new Set(derived.requests.map((r) => `${r.principal.id} ${r.action}`));
      expect(derived.tasks.filter((task) => !calls.has(`${task.role.id} ${iamAction(task)}`)).map((t) => t.origin)).toEqual([]);
      const senders = new Set(derived.requests.map((r) => r.principal.id));
      expect(derived.roles.filter((role) => !senders.has(role.principal.id)).map((r) => r.principal.id)).toEqual([]);
      expect([...functionHandlers(derived.model).keys()].filter((handler) => !(handler in FUNCTION_CALLS))).toEqual([]);
      expect(derived.invocations.length).toBeGreaterThan(0);
    });
  });
}
