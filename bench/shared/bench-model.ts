/**
 * What the fake model streams, encoded in the model name the servers send, so that neither
 * server needs to know the scenario: `bench-t<tokens>-p<paceMs>-tool<0|1>`.
 */
export interface BenchModel {
  /** Content tokens of a text reply (the reply after a tool result, in tool mode). */
  tokens: number;
  /** Milliseconds between tokens; 0 streams one chunk per event-loop turn. */
  paceMs: number;
  /** When set, a first reply is a `get_weather` call (arguments in several pieces); the reply to its result is text. */
  tool: boolean;
}

export function benchModelName(model: BenchModel): string {
  return `bench-t${model.tokens}-p${model.paceMs}-tool${model.tool ? 1 : 0}`;
}

export function parseBenchModel(name: string): BenchModel {
  const match = /^bench-t(\d+)-p(\d+)-tool([01])$/.exec(name);
  if (!match) throw new Error(`Not a bench model name: ${name}`);
  return { tokens: Number(match[1]), paceMs: Number(match[2]), tool: match[3] === '1' };
}

/** How a bench process announces it is ready: `<TAG>_READY <url>` on stdout. */
export function announceReady(tag: string, url: string): void {
  process.stdout.write(`${tag}_READY ${url}\n`);
}
