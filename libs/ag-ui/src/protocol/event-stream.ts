import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { EventEncoder } from '@ag-ui/encoder';
import { AGUI_MEDIA_TYPE } from '@ag-ui/proto';
import { ClientProtocol } from './client-protocol.js';
import type { KeepAliveTicker } from './keep-alive.ticker.js';
import type { EventEncoding } from './media-type.js';

export interface EventStreamOptions {
  encoding: EventEncoding;
  /** Sends `: ping` comments on SSE while the stream is open; none when unset. Protobuf framing has no comments, so it gets none. */
  keepAlive?: KeepAliveTicker;
  /** Shapes each event for the client's protocol version; the current version when unset. */
  protocol?: ClientProtocol;
}

const PING = ': ping\n\n';
const TERMINAL = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);

/**
 * The only writer of an AG-UI response. It owns the headers, the encoding, backpressure
 * (a `write()` that returns false waits for `drain`), keepalive and the end of the response.
 * `onClientGone` (see `open`) lets the run abort its work when the client goes away.
 */
export class EventStream {
  private readonly encoder = new EventEncoder();
  private readonly protocol: ClientProtocol;
  private stopKeepAlive: () => void = () => undefined;
  private clientGone = false;
  /** Set by end(): only this class ends the response, so it need not ask the response each time. */
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly options: EventStreamOptions,
  ) {
    this.protocol = options.protocol ?? ClientProtocol.current;
  }

  /**
   * Prepares the headers. They leave with the first event, RUN_STARTED, which the runner writes
   * before any await: one packet instead of two, and the client still sees the stream open
   * before the model is even asked. (On loopback a packet costs the sender more CPU than the
   * rest of a small event's path.)
   */
  open(req: IncomingMessage, onClientGone: () => void): void {
    const res = this.res;
    res.statusCode = 200;
    res.setHeader('Content-Type', this.options.encoding === 'protobuf' ? AGUI_MEDIA_TYPE : 'text/event-stream; charset=utf-8');
    // no-transform keeps compression middleware from buffering the stream.
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('Connection', 'keep-alive');
    req.socket.setNoDelay(true);

    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientGone = true;
      this.stopKeepAlive();
      onClientGone();
    });

    if (this.options.encoding === 'sse' && this.options.keepAlive) {
      this.stopKeepAlive = this.options.keepAlive.add(() => {
        if (!this.clientGone && !res.destroyed) res.write(PING);
      });
    }
  }

  /**
   * Writes one event; the run's sink. Returns a promise only when the socket's buffer is full:
   * the run writes nothing more until it drains (or the client goes). The terminal event ends
   * the response in the same write: one packet, not two. After the client left, events are dropped.
   */
  write(event: BaseEvent): Promise<void> | undefined {
    if (this.clientGone || this.ended) return undefined;
    const data = this.encode(this.protocol.adapt(event));
    if (TERMINAL.has(event.type)) this.end(data);
    else if (!this.res.write(data)) return this.drained();
    return undefined;
  }

  private encode(event: BaseEvent): string | Uint8Array {
    return this.options.encoding === 'protobuf' ? this.encoder.encodeProtobuf(event) : this.encoder.encodeSSE(event);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Ends the response, if the terminal event has not already. */
  end(last?: string | Uint8Array): void {
    if (this.ended) return;
    this.ended = true;
    this.stopKeepAlive();
    if (!this.res.writableEnded) this.res.end(last);
  }
}
