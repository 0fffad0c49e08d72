import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
// cdk-nag names an IAM5 finding after the resource as it flattens it; use its own function so
// acknowledgements match exactly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { flattenCfnReference } = require('cdk-nag/lib/utils/flatten-cfn-reference') as { flattenCfnReference: (reference: unknown) => string };

/**
 * Acknowledges an `AwsSolutions-IAM5` wildcard finding on one resource ARN (a token or a
 * string), with a reason. The finding's id is computed when the tree is validated: only then
 * have cross-stack references become the imports nag sees, and nag runs right after.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  scope.node.addValidation({
    validate: () => {
      const flattened = flattenCfnReference(Stack.of(scope).resolve(resource));
      Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
      return [];
    },
  });
}
