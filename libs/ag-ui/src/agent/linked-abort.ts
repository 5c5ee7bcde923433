/**
 * An AbortController that also aborts when `parent` does. Lighter than `AbortSignal.any()`,
 * which keeps weak references and a registry entry per signal: this is made for every model
 * attempt and every tool call, so it matters at a thousand open streams. `release()` detaches
 * it from the parent once its work is over.
 */
export interface LinkedAbort {
  readonly controller: AbortController;
  readonly signal: AbortSignal;
  release(): void;
}

export function linkedAbort(parent: AbortSignal): LinkedAbort {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, signal: controller.signal, release: () => undefined };
  }
  const follow = () => controller.abort(parent.reason);
  parent.addEventListener('abort', follow, { once: true });
  return { controller, signal: controller.signal, release: () => parent.removeEventListener('abort', follow) };
}
