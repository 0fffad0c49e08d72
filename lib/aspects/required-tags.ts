import { CfnResource, TagManager, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Resource types that are billed but that CDK may render as plain `CfnResource`s, which the
 * tag machinery skips (e.g. the Lambda of a `CustomResourceProvider`). Finance would never see
 * their cost by tag, so they are refused too.
 */
const BILLABLE_TYPES_THAT_MUST_BE_TAGGABLE: ReadonlySet<string> = new Set(['AWS::Lambda::Function', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table']);

/**
 * Fails the synth when a taggable resource lacks one of the required cost tags.
 *
 * Each taggable resource gets a validation that CDK runs at synth time, after every tagging
 * Aspect has run, so `app.synth()` reports every untagged resource at once, by path.
 */
export class RequiredTagsAspect implements IAspect {
  constructor(private readonly requiredKeys: readonly string[]) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const tagManager = TagManager.isTaggable(node) ? node.tags : TagManager.isTaggableV2(node) ? node.cdkTagManager : undefined;
    if (tagManager === undefined) {
      if (BILLABLE_TYPES_THAT_MUST_BE_TAGGABLE.has(node.cfnResourceType)) {
        node.node.addValidation({
          validate: () => [`${node.cfnResourceType} at ${node.node.path} cannot carry cost tags (a plain CfnResource); build it with a taggable construct`],
        });
      }
      return;
    }
    node.node.addValidation({
      validate: () => {
        const present = tagManager.tagValues();
        const missing = this.requiredKeys.filter((key) => !present[key]);
        return missing.length === 0
          ? []
          : [`${node.cfnResourceType} at ${node.node.path} is missing required cost tag(s): ${missing.join(', ')}`];
      },
    });
  }
}
