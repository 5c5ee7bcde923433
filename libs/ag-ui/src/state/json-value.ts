/**
 * A JSON copy of a value: exactly what a client receives once it is encoded, so a diff of
 * two copies is a diff of what the client holds. Non-JSON values (functions, undefined
 * properties) disappear as they would on the wire.
 */
export function toJsonValue(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
