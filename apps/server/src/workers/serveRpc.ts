import { parentPort, type TransferListItem } from 'node:worker_threads';
import type { RpcEvent, RpcRequest, RpcResponse } from './rpc.js';

/** A handler's answer, with the buffers to move (not copy) to the caller. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly transfer: TransferListItem[],
  ) {}
}

/** `bytes` itself when it spans its whole buffer (so the buffer can be moved), else a copy. */
export const ownBytes = (bytes: Uint8Array): Uint8Array =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();

/** Bytes of a buffer beside the view that `movableBytes` lets go with it (a message's header). */
const MOVABLE_SLACK = 4096;

/**
 * `bytes` itself when its buffer holds little else (the frame a large message arrived in: the
 * view skips only its header), so that buffer can be moved to a worker instead of copied; else
 * a copy that spans its own buffer. Only for bytes the caller gives up: once moved, every view
 * of that buffer on this thread is empty.
 */
export function movableBytes(bytes: Uint8Array): Uint8Array {
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer)) return bytes.slice();
  return buffer.byteLength - bytes.byteLength <= MOVABLE_SLACK ? bytes : ownBytes(bytes);
}

type Handler = (...args: never[]) => unknown;

export interface ServeRpcOptions {
  /** Start each request as it arrives instead of after the previous one has been answered. */
  concurrent?: boolean;
}

/**
 * The worker side of `RpcWorker`: answers each request with its handler's result (awaited) or
 * error. Requests are handled one at a time, in arrival order, unless `concurrent`.
 */
export function serveRpc(handlers: Record<string, Handler>, options: ServeRpcOptions = {}): void {
  const port = parentPort;
  if (!port) throw new Error('serveRpc must run in a worker thread');
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (request: RpcRequest) => {
    const answer = async () => {
      let response: RpcResponse;
      let transfer: TransferListItem[] = [];
      try {
        const handler = handlers[request.method];
        if (!handler) throw new Error(`unknown method ${request.method}`);
        let result = await (handler as (...args: unknown[]) => unknown)(...request.args);
        if (result instanceof Transfer) {
          transfer = result.transfer;
          result = result.value;
        }
        response = { id: request.id, ok: true, result };
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        const code = (err as { code?: unknown }).code;
        response = {
          id: request.id,
          ok: false,
          error: {
            message: err.message,
            name: err.name,
            ...(err.stack ? { stack: err.stack } : {}),
            ...(typeof code === 'string' ? { code } : {}),
          },
        };
      }
      port.postMessage(response, transfer);
    };
    if (options.concurrent) void answer();
    else chain = chain.then(answer);
  });
}

/** Reports something to the owning `RpcWorker`'s `onEvent`. */
export function emitRpcEvent(event: string, payload: unknown): void {
  const message: RpcEvent = { event, payload };
  parentPort?.postMessage(message);
}
