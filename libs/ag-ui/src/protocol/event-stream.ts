import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { EventEncoder } from '@ag-ui/encoder';
import { AGUI_MEDIA_TYPE } from '@ag-ui/proto';
import { WriteTimeoutError } from '../errors/ag-ui.error.js';
import { ClientProtocol } from './client-protocol.js';
import type { KeepAliveTicker } from './keep-alive.ticker.js';
import type { EventEncoding } from './media-type.js';

export interface EventStreamOptions {
  encoding: EventEncoding;
  /** Sends `: ping` comments on SSE while the stream is open; none when unset. Protobuf framing has no comments, so it gets none. */
  keepAlive?: KeepAliveTicker;
  /** Shapes each event for the client's protocol version; the current version when unset. */
  protocol?: ClientProtocol;
  /**
   * Longest wait for the client to read once the socket's buffer is full: past it the response
   * is destroyed and `onClientGone` gets a WriteTimeoutError. None when unset or 0.
   */
  writeTimeoutMs?: number;
}

const PING = ': ping\n\n';
const TERMINAL = new Set<string>([EventType.RUN_FINISHED, EventType.RUN_ERROR]);

/**
 * The only writer of an AG-UI response. It owns the headers, the encoding, backpressure
 * (a `write()` that returns false waits for `drain`), the write timeout, keepalive and the end
 * of the response. `onClientGone` (see `open`) lets the run abort its work when the client goes
 * away, or is cut off for not reading.
 */
export class EventStream {
  private readonly encoder = new EventEncoder();
  private readonly protocol: ClientProtocol;
  private stopKeepAlive: () => void = () => undefined;
  private clientGone = false;
  /** Set by end(): only this class ends the response, so it need not ask the response each time. */
  private ended = false;
  /** Armed only while the socket's buffer is full (a write returned false), until 'drain' or 'finish'. */
  private stallTimer?: NodeJS.Timeout;
  /** Set when the write timeout cut the client off: the reason `onClientGone` receives. */
  private cutOff?: WriteTimeoutError;
  private draining?: Promise<void>;
  /** Encoded output so far (string length for SSE, bytes for protobuf): one add per event, for the run's output limit. */
  bytesWritten = 0;

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
  open(req: IncomingMessage, onClientGone: (reason?: WriteTimeoutError) => void): void {
    const res = this.res;
    res.statusCode = 200;
    res.setHeader('Content-Type', this.options.encoding === 'protobuf' ? AGUI_MEDIA_TYPE : 'text/event-stream; charset=utf-8');
    // no-transform keeps compression middleware from buffering the stream.
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.setHeader('Connection', 'keep-alive');
    req.socket.setNoDelay(true);

    res.on('close', () => {
      this.unstall();
      // Destroying a response that was ended also 'finishes' it: a cut-off still counts as the client gone.
      if (res.writableFinished && !this.cutOff) return;
      this.clientGone = true;
      this.stopKeepAlive();
      onClientGone(this.cutOff);
    });
    if ((this.options.writeTimeoutMs ?? 0) > 0) {
      // Only ever emitted after a write returned false (or at the very end): nothing per event.
      res.on('drain', this.unstall);
      res.on('finish', this.unstall);
    }

    if (this.options.encoding === 'sse' && this.options.keepAlive) {
      this.stopKeepAlive = this.options.keepAlive.add(() => {
        // A full buffer is not idle: a ping would only pile up behind what the client is not reading.
        if (this.clientGone || res.destroyed || res.writableNeedDrain) return;
        if (!res.write(PING)) this.stall();
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
    this.bytesWritten += data.length;
    if (TERMINAL.has(event.type)) this.end(data);
    else if (!this.res.write(data)) return this.drained();
    return undefined;
  }

  private encode(event: BaseEvent): string | Uint8Array {
    return this.options.encoding === 'protobuf' ? this.encoder.encodeProtobuf(event) : this.encoder.encodeSSE(event);
  }

  /** One wait per full buffer, shared by every write meanwhile (progress reports are not awaited, so they may pile up). */
  private drained(): Promise<void> {
    if (this.draining) return this.draining;
    this.stall();
    return (this.draining = new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        this.draining = undefined;
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    }));
  }

  /** Ends the response, if the terminal event has not already. */
  end(last?: string | Uint8Array): void {
    if (this.ended) return;
    this.ended = true;
    this.stopKeepAlive();
    const res = this.res;
    if (res.writableEnded) return;
    res.end(last);
    // What a client never reads is held until it does: the clock (if already running) goes on until 'finish'.
    if (!this.clientGone && res.writableLength > res.writableHighWaterMark) this.stall();
  }

  /** Starts the write timeout, unless it runs already: the first unanswered write sets the deadline. */
  private stall(): void {
    const timeoutMs = this.options.writeTimeoutMs ?? 0;
    if (this.stallTimer || !(timeoutMs > 0)) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      if (this.res.writableFinished || this.res.destroyed) return;
      this.cutOff = new WriteTimeoutError(timeoutMs);
      // Fires 'close', which aborts the run like a disconnect. A reset, not a FIN: the kernel would
      // otherwise keep the unread bytes for a client that acknowledges nothing, for minutes.
      try {
        this.res.socket!.resetAndDestroy();
      } catch {
        // Not plain TCP (TLS, a pipe), or already detached: an ordinary close.
        this.res.destroy();
      }
    }, timeoutMs);
  }

  private readonly unstall = (): void => {
    if (!this.stallTimer) return;
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  };
}
