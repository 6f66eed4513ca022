/**
 * Real, tiny images of every accepted format (5 x 3 px, encoded by Chromium's canvas; the WebPs
 * unwrapped from its extended form; the GIF is the classic 1 x 1),
 * for tests of the upload contract on both sides. Not part of the package's API.
 */

const bytes = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAUAAAADCAYAAABbNsX4AAAAKElEQVR4AWzIMQ0AAAgDQVIXyKg0LKIEJyUMbP3klkdW6wyphzDZuQAAAP//N5hYRgAAAAZJREFUAwBSAwtge2aqjQAAAABJRU5ErkJggg==';
const JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAADAAUDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAf/xAAXEAEAAwAAAAAAAAAAAAAAAAAAAgMz/8QAFQEBAQAAAAAAAAAAAAAAAAAABgj/xAAfEQAABAcBAAAAAAAAAAAAAAAAAgVzAQMEBjU2srP/2gAMAwEAAhEDEQA/AJpTlEALXstVuH6iK6s/W01iV5lH/9k=';
const GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';
/** Lossy (`VP8 `) and lossless (`VP8L`) WebP, each in its simple one-chunk form. */
const WEBP_LOSSY =
  'UklGRloAAABXRUJQVlA4IE4AAACQAwCdASoFAAMAAMASJagCdLoBQAPwArQD+AZQB+gANGoZ3f4AAP727RYue5F9gwv/jRkTmzyf7k3/41F55NT//7wF/+NReeTU//95YAA=';
const WEBP_LOSSLESS = 'UklGRiIAAABXRUJQVlA4TBYAAAAvBIAAAA/wOOBnHP9NeP6DB+WI6H8A';

export const SAMPLE_IMAGES = {
  png: { bytes: bytes(PNG), type: 'image/png', width: 5, height: 3 },
  jpeg: { bytes: bytes(JPEG), type: 'image/jpeg', width: 5, height: 3 },
  gif: { bytes: bytes(GIF), type: 'image/gif', width: 1, height: 1 },
  webp: { bytes: bytes(WEBP_LOSSY), type: 'image/webp', width: 5, height: 3 },
  webpLossless: { bytes: bytes(WEBP_LOSSLESS), type: 'image/webp', width: 5, height: 3 },
} as const;

/** An SVG that would run a script if it were opened as a document. */
export const SVG_WITH_SCRIPT = new TextEncoder().encode(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
    '<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>\n',
);
