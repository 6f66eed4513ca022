import type { Editor } from '../../canvas/Editor.js';
import { ActionButton, Section } from './controls.js';

/** Order, duplicate, delete, group, lock, and align/distribute for the selection. */
export function ArrangeSection({ editor, count }: { editor: Editor; count: number }) {
  const { commands, arrange } = editor;
  return (
    <>
      <Section title="Actions">
        <div className="action-row">
          <ActionButton
            testId="bring-front"
            icon="front"
            label="Bring to front (Ctrl+])"
            onClick={() => commands.bringToFront()}
          />
          <ActionButton
            testId="send-back"
            icon="back"
            label="Send to back (Ctrl+[)"
            onClick={() => commands.sendToBack()}
          />
          <ActionButton
            testId="duplicate"
            icon="duplicate"
            label="Duplicate (Ctrl+D)"
            onClick={() => commands.duplicate()}
          />
          <ActionButton
            testId="delete"
            icon="trash"
            label="Delete (Delete)"
            danger
            onClick={() => commands.deleteSelection()}
          />
        </div>
        <div className="action-row">
          <ActionButton
            testId="group"
            icon="group"
            label="Group (Ctrl+G)"
            disabled={!arrange.canGroup()}
            onClick={() => arrange.group()}
          />
          <ActionButton
            testId="ungroup"
            icon="ungroup"
            label="Ungroup (Ctrl+Shift+G)"
            disabled={!arrange.canUngroup()}
            onClick={() => arrange.ungroup()}
          />
          <ActionButton
            testId="lock"
            icon="lock"
            label="Lock (Ctrl+Shift+L; unlock from the right-click menu)"
            onClick={() => arrange.setLocked(true)}
          />
          <ActionButton
            testId="rotate"
            icon="rotate"
            label="Rotate 90°"
            onClick={() => arrange.rotateQuarter(1)}
          />
        </div>
      </Section>
      {count >= 2 && (
        <Section title="Align">
          <div className="action-row">
            <ActionButton
              testId="align-left"
              icon="alignLeft"
              label="Align left"
              onClick={() => arrange.align('left')}
            />
            <ActionButton
              testId="align-center"
              icon="alignCenter"
              label="Align centres"
              onClick={() => arrange.align('center')}
            />
            <ActionButton
              testId="align-right"
              icon="alignRight"
              label="Align right"
              onClick={() => arrange.align('right')}
            />
            <ActionButton
              testId="distribute-x"
              icon="distributeH"
              label="Distribute horizontally"
              disabled={count < 3}
              onClick={() => arrange.distribute('x')}
            />
          </div>
          <div className="action-row">
            <ActionButton
              testId="align-top"
              icon="alignTop"
              label="Align top"
              onClick={() => arrange.align('top')}
            />
            <ActionButton
              testId="align-middle"
              icon="alignMiddle"
              label="Align middles"
              onClick={() => arrange.align('middle')}
            />
            <ActionButton
              testId="align-bottom"
              icon="alignBottom"
              label="Align bottom"
              onClick={() => arrange.align('bottom')}
            />
            <ActionButton
              testId="distribute-y"
              icon="distributeV"
              label="Distribute vertically"
              disabled={count < 3}
              onClick={() => arrange.distribute('y')}
            />
          </div>
        </Section>
      )}
    </>
  );
}
