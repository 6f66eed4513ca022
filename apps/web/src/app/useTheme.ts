import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { Preferences, ThemePreference } from './Preferences.js';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToSystem(notify: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', notify);
  return () => query.removeEventListener('change', notify);
}

/**
 * The theme in effect: the remembered choice, or the system's while the choice is `auto`.
 * `override` (an embed's `theme=` option or its host's `setTheme`) takes the place of the
 * remembered choice without being remembered. Sets `data-theme` on <html>, which the CSS
 * variables key on.
 */
export function useTheme(
  prefs: Preferences,
  override: ThemePreference | null = null,
): { theme: 'light' | 'dark'; toggle: () => void } {
  const stored = useSyncExternalStore(prefs.changed.subscribe, () => prefs.theme);
  const preference = override ?? stored;
  const systemDark = useSyncExternalStore(
    subscribeToSystem,
    () => window.matchMedia(DARK_QUERY).matches,
  );
  const theme = preference === 'auto' ? (systemDark ? 'dark' : 'light') : preference;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
  const toggle = useCallback(
    () => prefs.setTheme(theme === 'dark' ? 'light' : 'dark'),
    [prefs, theme],
  );
  return { theme, toggle };
}
