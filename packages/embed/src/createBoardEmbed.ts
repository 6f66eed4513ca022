import {
  EMBED_HOST_SOURCE,
  type EmbedEvent,
  type EmbedStatus,
  type EmbedTheme,
  type ErrorPayload,
  type HostCommand,
  parseEmbedMessage,
} from '@drawbridge/protocol';

export interface BoardEmbedOptions {
  /** Where the iframe goes. */
  container: HTMLElement;
  /** A board link (`https://draw.example.com/b/<id>`, or its `/embed/<id>` form). */
  url: string;
  /** Capability token; also read from the link's `#token=` when omitted. */
  token?: string;
  readonly?: boolean;
  theme?: EmbedTheme;
  toolbar?: boolean;
  grid?: boolean;
  /** Zoom to fit the content on load. */
  fit?: boolean;
  /** Accessible title of the iframe. */
  title?: string;
  /** Milliseconds a command waits for its answer. */
  timeoutMs?: number;
}

export interface BoardEmbedEvents {
  ready: { boardId: string; readonly: boolean };
  status: EmbedStatus;
  change: { shapes: number; name: string };
  error: ErrorPayload;
}

type Handler<T> = (payload: T) => void;

export interface BoardEmbed {
  readonly iframe: HTMLIFrameElement;
  /** Resolves once the board is loaded in the iframe. */
  readonly ready: Promise<void>;
  on<K extends keyof BoardEmbedEvents>(event: K, handler: Handler<BoardEmbedEvents[K]>): () => void;
  zoomToFit(): Promise<void>;
  setTheme(theme: EmbedTheme): Promise<void>;
  /** The board (whole content) as a PNG. */
  exportPng(): Promise<Blob>;
  /** Removes the iframe and every listener; pending commands reject. */
  destroy(): void;
}

export class BoardEmbedError extends Error {
  readonly code: string;
  constructor(error: ErrorPayload) {
    super(error.message);
    this.name = 'BoardEmbedError';
    this.code = error.code;
  }
}

/** The iframe URL for a board link and options; the token stays in the fragment. */
export function embedUrl(
  options: Omit<BoardEmbedOptions, 'container'>,
  base = globalThis.location?.href,
): URL {
  const link = new URL(options.url, base);
  const match = /\/(?:b|embed)\/([A-Za-z0-9_-]{1,64})\/?$/.exec(link.pathname);
  if (!match) throw new Error(`not a Drawbridge board link: ${options.url}`);
  const prefix = link.pathname.slice(0, match.index);
  const url = new URL(`${prefix}/embed/${match[1]}`, link.origin);
  if (options.readonly) url.searchParams.set('readonly', '1');
  if (options.toolbar === false) url.searchParams.set('toolbar', '0');
  if (options.grid === false) url.searchParams.set('grid', '0');
  if (options.theme) url.searchParams.set('theme', options.theme);
  if (options.fit) url.searchParams.set('fit', '1');
  const token = options.token ?? new URLSearchParams(link.hash.slice(1)).get('token');
  if (token) url.hash = `token=${encodeURIComponent(token)}`;
  return url;
}

/**
 * Embeds a board: an iframe on `/embed/<id>` and a typed channel to it. Messages are accepted
 * only from that iframe's window and the board's origin, and posted only to that origin.
 */
export function createBoardEmbed(options: BoardEmbedOptions): BoardEmbed {
  const src = embedUrl(options);
  const origin = src.origin;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const iframe = document.createElement('iframe');
  iframe.src = src.href;
  iframe.title = options.title ?? 'Drawbridge board';
  iframe.allow = 'clipboard-read; clipboard-write';
  iframe.style.border = '0';
  iframe.style.width = '100%';
  iframe.style.height = '100%';

  const handlers = new Map<keyof BoardEmbedEvents, Set<Handler<never>>>();
  const pending = new Map<
    number,
    {
      resolve: (v: unknown) => void;
      reject: (e: Error) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  let nextId = 1;
  let destroyed = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const emit = <K extends keyof BoardEmbedEvents>(event: K, payload: BoardEmbedEvents[K]) => {
    for (const handler of handlers.get(event) ?? [])
      (handler as Handler<BoardEmbedEvents[K]>)(payload);
  };

  const onMessage = (event: MessageEvent) => {
    if (event.source !== iframe.contentWindow || event.origin !== origin) return;
    const message = parseEmbedMessage(event.data);
    if (!message) return;
    handle(message);
  };

  const handle = (message: EmbedEvent) => {
    switch (message.type) {
      case 'ready':
        markReady();
        emit('ready', { boardId: message.boardId, readonly: message.readonly });
        break;
      case 'status': {
        const { connection, unsaved, saved, role } = message;
        emit('status', { connection, unsaved, saved, role });
        break;
      }
      case 'change':
        emit('change', { shapes: message.shapes, name: message.name });
        break;
      case 'error':
        emit('error', message.error);
        break;
      case 'result': {
        const request = pending.get(message.id);
        if (!request) return;
        pending.delete(message.id);
        clearTimeout(request.timer);
        if (message.ok) request.resolve(message.value);
        else request.reject(new BoardEmbedError(message.error));
        break;
      }
    }
  };

  const command = async (body: HostCommand): Promise<unknown> => {
    if (destroyed) throw new Error('the embed was destroyed');
    await ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${body.type} timed out`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      iframe.contentWindow?.postMessage({ source: EMBED_HOST_SOURCE, id, ...body }, origin);
    });
  };

  window.addEventListener('message', onMessage);
  options.container.appendChild(iframe);

  return {
    iframe,
    ready,
    on(event, handler) {
      const set = handlers.get(event) ?? new Set<Handler<never>>();
      handlers.set(event, set);
      set.add(handler as Handler<never>);
      return () => set.delete(handler as Handler<never>);
    },
    zoomToFit: async () => {
      await command({ type: 'zoomToFit' });
    },
    setTheme: async (theme) => {
      await command({ type: 'setTheme', theme });
    },
    exportPng: async () => {
      const value = await command({ type: 'exportPng' });
      if (!(value instanceof Blob)) throw new Error('exportPng: the board sent no image');
      return value;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      window.removeEventListener('message', onMessage);
      for (const request of pending.values()) {
        clearTimeout(request.timer);
        request.reject(new Error('the embed was destroyed'));
      }
      pending.clear();
      handlers.clear();
      iframe.remove();
    },
  };
}
