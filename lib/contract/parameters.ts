/** Key (below `/gantry/<stage>/`) of a model's training state machine ARN. */
export function trainingParameterKeyOf(model: string): string {
  return `models/${model}/training-state-machine`;
}
