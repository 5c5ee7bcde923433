import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { InputLimits } from '../protocol/input-limits.js';

export const AG_UI_HTTP_SETTINGS = Symbol('AG_UI_HTTP_SETTINGS');

export interface AgUiHttpSettings {
  bodyLimit: number;
  keepAliveMs: number;
  writeTimeoutMs: number;
  inputLimits: InputLimits;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
export const DEFAULT_KEEP_ALIVE_MS = 15_000;
export const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

export function resolveHttpSettings(options: AgUiModuleOptions): AgUiHttpSettings {
  return {
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    keepAliveMs: options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    writeTimeoutMs: options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS,
    inputLimits: options.inputLimits ?? {},
  };
}
