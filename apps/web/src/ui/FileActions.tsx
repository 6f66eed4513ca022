import { BOARD_FILE_EXTENSION, BoardFileError } from '@drawbridge/board';
import type { ChangeEvent } from 'react';
import { boardFile, download, fileName, importBoardFile } from '../app/files.js';
import type { ToastStore } from '../app/ToastStore.js';
import type { Exporter } from '../app/testHooks.js';
import type { Editor } from '../canvas/Editor.js';
import type { ImageInserter } from '../images/ImageInserter.js';
import { Icon, type IconName } from './Icon.js';

interface Props {
  editor: Editor;
  exporter: Exporter;
  toasts: ToastStore;
  /** View only: exports, but no import. */
  readonly?: boolean;
  /** Pictures of imported image shapes are uploaded to this board when this browser has them. */
  images?: ImageInserter;
}

function FileButton(props: {
  testId: string;
  icon: IconName;
  label: string;
  title: string;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className="file-button"
      data-testid={props.testId}
      title={props.title}
      onClick={props.onClick}
    >
      <Icon name={props.icon} size={17} />
      <span>{props.label}</span>
    </button>
  );
}

/** Export (PNG, SVG, board file) and import; exports take the selection if there is one. */
export function FileActions({ editor, exporter, toasts, readonly = false, images }: Props) {
  const name = () => editor.model.name;

  const exportPng = async () => {
    try {
      download(await exporter.png(), fileName(name(), '.png'), 'image/png');
    } catch (error) {
      toasts.show(`PNG export failed: ${(error as Error).message}`, 'error');
    }
  };

  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const count = await importBoardFile(file, editor);
      void images?.adopt(editor.selectedShapes());
      toasts.show(`Imported ${count} shape${count === 1 ? '' : 's'} from ${file.name}`);
    } catch (error) {
      const message =
        error instanceof BoardFileError ? error.message : 'The file could not be imported.';
      toasts.show(message, 'error');
    }
  };

  return (
    <fieldset className="file-actions panel">
      <legend className="visually-hidden">Export and import</legend>
      <FileButton
        testId="export-png"
        icon="image"
        label="PNG"
        title="Export PNG (the selection, or the whole board)"
        onClick={() => void exportPng()}
      />
      <FileButton
        testId="export-svg"
        icon="code"
        label="SVG"
        title="Export SVG (the selection, or the whole board)"
        onClick={() =>
          void exporter
            .svg()
            .then((svg) => download(svg, fileName(name(), '.svg'), 'image/svg+xml'))
        }
      />
      <span className="toolbar-divider" aria-hidden="true" />
      <FileButton
        testId="export-file"
        icon="save"
        label="Save"
        title={`Save the board as a ${BOARD_FILE_EXTENSION} file`}
        onClick={() =>
          download(boardFile(editor), fileName(name(), BOARD_FILE_EXTENSION), 'application/json')
        }
      />
      {!readonly && (
        <label
          className="file-button"
          title={`Add the shapes of a ${BOARD_FILE_EXTENSION} file to this board`}
        >
          <Icon name="open" size={17} />
          <span>Open</span>
          <input
            type="file"
            className="visually-hidden"
            data-testid="import-file"
            accept=".json,application/json"
            onChange={(e) => void onImport(e)}
          />
        </label>
      )}
    </fieldset>
  );
}
