/**
 * Maps `fn` over the items with at most `limit` calls in flight, keeping the results in input
 * order. With `stop`, no new item is started once it returns true (items in flight finish);
 * the results of items never started are left undefined.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, stop: () => boolean = () => false): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop() && next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
