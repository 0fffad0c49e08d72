import { EXECUTION_TAG_KEY, MODEL_TAG_KEY } from '../../../lib/contract';

/**
 * Who created an endpoint, from its tags (pure: no SDK). The deploy workflow tags every
 * endpoint it creates with the model (`Model`) and the execution that created it
 * (`ExecutionId`, an ARN that names the workflow's state machine, so its stage and model).
 * Only an endpoint whose tags say this very workflow created it is Gantry's to delete: a
 * hand-made endpoint under the same name, or one carrying another model's or another stage's
 * tags, is left to an operator.
 */

/** The workflow asking: its model, and the ARN of its running execution. */
export interface EndpointOwner {
  readonly model: string;
  readonly executionArn: string;
}

export type Ownership = { readonly owned: true } | { readonly owned: false; readonly why: string };

// arn:<partition>:states:<region>:<account>:execution:<state machine>:<execution name>
const EXECUTION_ARN = /^(arn:[\w-]+:states:[a-z0-9-]+:\d{12}:execution:[^:]+:)[^:]+$/;

/** The `arn:…:execution:<state machine>:` start every execution of the same state machine shares. */
export function executionPrefix(executionArn: string): string | undefined {
  return EXECUTION_ARN.exec(executionArn)?.[1];
}

/** Whether `owner`'s workflow created the endpoint that carries `tags`, and if not, why not. */
export function endpointOwnership(tags: Readonly<Record<string, string>>, owner: EndpointOwner): Ownership {
  const model = tags[MODEL_TAG_KEY];
  if (model === undefined) return { owned: false, why: `it has no ${MODEL_TAG_KEY} tag` };
  if (model !== owner.model) return { owned: false, why: `its ${MODEL_TAG_KEY} tag is ${JSON.stringify(model)}, not ${JSON.stringify(owner.model)}` };
  const creator = tags[EXECUTION_TAG_KEY];
  if (creator === undefined) return { owned: false, why: `it has no ${EXECUTION_TAG_KEY} tag` };
  const workflow = executionPrefix(owner.executionArn);
  // A malformed own ARN is never a match: ownership is proven, not assumed.
  if (workflow === undefined || executionPrefix(creator) !== workflow) {
    return { owned: false, why: `its ${EXECUTION_TAG_KEY} tag ${JSON.stringify(creator)} is not an execution of this deploy workflow (${workflow ?? owner.executionArn}*)` };
  }
  return { owned: true };
}
