import type { AgentDefinition, AgUiModuleOptions, RunBoundOptions } from '../ag-ui.options.js';

export type RunBounds = Required<RunBoundOptions>;

/**
 * Defaults, and why. A run: 10 minutes, past any interactive exchange yet short enough that a
 * stuck one frees its model request and slot. A model turn: 90 s to its first chunk, retries
 * and backoff included, which lets one idle timeout (60 s) be retried once but not three times.
 * Output: 4096 tokens a turn is a long answer on every current model; 64 MiB and 50 000 events
 * a run are far over a long tool loop's stream (tools' progress and state included), yet far
 * under what breaks a buffer (a RangeError past 512 MiB).
 */
export const DEFAULT_RUN_BOUNDS: RunBounds = {
  maxRunMs: 10 * 60_000,
  modelDeadlineMs: 90_000,
  maxOutputTokens: 4096,
  maxRunOutputBytes: 64 * 1024 * 1024,
  maxRunEvents: 50_000,
};

/** The agent's own bounds over the module's, over the defaults; checked once at bootstrap. */
export function resolveRunBounds(agent: AgentDefinition, options: AgUiModuleOptions): RunBounds {
  const bounds = { ...DEFAULT_RUN_BOUNDS };
  for (const key of Object.keys(bounds) as Array<keyof RunBounds>) {
    const value = agent[key] ?? options[key] ?? bounds[key];
    if (!(Number.isInteger(value) && value > 0)) throw new Error(`AgUiModule: ${key} of agent "${agent.id}" must be a positive integer`);
    bounds[key] = value;
  }
  return bounds;
}
