import type { ModelConfig } from '../../../config';
import type { FailurePath } from '../../workflow/steps';
import type { JobLocations, JobTags } from '../requests';

/** What every phase of the training pipeline builds from. */
export interface TrainingPhaseContext {
  /** The model the pipeline trains. */
  readonly model: ModelConfig;
  /** Where the model's jobs read and write, and what they run as. */
  readonly at: JobLocations;
  /** The tags of every SageMaker job. */
  readonly tags: JobTags;
  /** Where a task's errors go after its retries. */
  readonly failure: FailurePath;
}
