import type { Point } from '@drawbridge/board';
import { useMemo, useState } from 'react';
import type { MenuRequest } from '../ui/ContextMenu.js';
import type { ShortcutUi } from './useShortcuts.js';

/** The board's transient panels: the context menu, the help dialog and the find bar. */
export interface BoardUi extends ShortcutUi {
  menu: MenuRequest | null;
  help: boolean;
  find: boolean;
  openMenu(screen: Point, board: Point): void;
  closeMenu(): void;
  closeHelp(): void;
  closeFind(): void;
}

export function useBoardUi(): BoardUi {
  const [menu, setMenu] = useState<MenuRequest | null>(null);
  const [help, setHelp] = useState(false);
  const [find, setFind] = useState(false);
  const actions = useMemo(
    () => ({
      openMenu: (screen: Point, board: Point) => setMenu({ screen, board }),
      closeMenu: () => setMenu(null),
      openHelp: () => setHelp(true),
      closeHelp: () => setHelp(false),
      openFind: () => setFind(true),
      closeFind: () => setFind(false),
    }),
    [],
  );
  return { menu, help, find, ...actions };
}
