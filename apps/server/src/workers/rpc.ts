/** Messages between an `RpcWorker` and the worker's `serveRpc`. */
export interface RpcRequest {
  id: number;
  method: string;
  args: unknown[];
}

export type RpcResponse =
  | { id: number; ok: true; result: unknown }
  | {
      id: number;
      ok: false;
      /** `code`: a Node or driver error's code (`ECONNREFUSED`, a SQLSTATE), kept for the caller. */
      error: { message: string; name: string; stack?: string; code?: string };
    };

/** Something the worker reports on its own (a corrupt record, say): not an answer to a call. */
export interface RpcEvent {
  event: string;
  payload: unknown;
}

export const isRpcEvent = (message: unknown): message is RpcEvent =>
  typeof message === 'object' && message !== null && 'event' in message;
