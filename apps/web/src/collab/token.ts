/**
 * Capability tokens in board links: `/b/<id>#token=...` and `/embed/<id>#token=...`. The token
 * stays in the fragment, which browsers never send in HTTP requests or referrers; the app hands
 * it to the provider (join payload and socket auth) and never logs it.
 */

/** The token in a URL fragment (`#token=...`, other fragment parameters allowed), or null. */
export function readToken(hash: string): string | null {
  const fragment = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!fragment) return null;
  const token = new URLSearchParams(fragment).get('token')?.trim();
  return token ? token : null;
}

/**
 * The role a token claims, read without checking its signature: a hint so a viewer's link opens
 * read-only before the server has answered (or while offline). Only the server's answer
 * (`provider.state.role`) grants anything; a forged claim gains nothing.
 */
export function tokenRole(token: string | null): 'editor' | 'viewer' | null {
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(
      atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')),
    );
    const role = (json as { role?: unknown } | null)?.role;
    return role === 'editor' || role === 'viewer' ? role : null;
  } catch {
    return null;
  }
}
