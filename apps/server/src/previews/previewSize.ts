/**
 * A preview's size in pixels (the Open Graph card size), shared by the pages and oEmbed that
 * announce it and the worker that renders it; a module of its own so that the event loop's side
 * never loads the renderer's native addon.
 */
export const PREVIEW_WIDTH = 1200;
export const PREVIEW_HEIGHT = 630;
