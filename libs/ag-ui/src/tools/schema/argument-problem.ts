/** `items.0.qty`: where a problem is, as the model wrote the arguments. An empty path is the whole object. */
export function formatProblem(path: readonly PropertyKey[], message: string): string {
  const where = path.map(String).join('.');
  return where ? `${where}: ${message}` : message;
}
