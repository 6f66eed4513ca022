import { useMemo } from 'react';
import type { BoardUi } from '../app/useBoardUi.js';
import type { Editor } from '../canvas/Editor.js';
import type { FollowController } from '../collab/Follow.js';
import type { Presence } from '../collab/Presence.js';
import { ContextMenu, menuItems } from './ContextMenu.js';
import { FindBar } from './FindBar.js';
import { FollowBanner } from './FollowBanner.js';
import { HelpDialog } from './HelpDialog.js';

/** The context menu, help dialog, find bar and follow banner of one board. */
export function BoardOverlays(props: {
  editor: Editor;
  ui: BoardUi;
  follow: FollowController;
  presence: Presence;
}) {
  const { editor, ui, follow, presence } = props;
  const menu = ui.menu;
  // Items are worked out once per request: opening the menu may select what was clicked.
  const items = useMemo(() => (menu ? menuItems(editor, menu, ui) : []), [editor, menu, ui]);
  return (
    <>
      <FollowBanner follow={follow} presence={presence} />
      {menu && items.length > 0 && (
        <ContextMenu at={menu.screen} items={items} onClose={ui.closeMenu} />
      )}
      {ui.help && <HelpDialog onClose={ui.closeHelp} />}
      {ui.find && <FindBar editor={editor} onClose={ui.closeFind} />}
    </>
  );
}
