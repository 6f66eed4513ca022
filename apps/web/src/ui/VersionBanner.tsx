import type { VersionListing } from '../history/versionsApi.js';
import { versionTime } from './HistoryPanel.js';

/** Over the canvas while a version is shown: what it is, restore it (editors), or go back. */
export function VersionBanner(props: {
  listing: VersionListing;
  canRestore: boolean;
  onRestore: () => void;
  onBack: () => void;
}) {
  return (
    <div className="version-banner panel" role="status" data-testid="version-banner">
      <span
        className="version-what"
        title={
          props.listing.editors.length > 0
            ? `Edited by ${props.listing.editors.join(', ')}`
            : undefined
        }
      >
        Version of <strong>{versionTime(props.listing.createdAt)}</strong>
      </span>
      {props.canRestore && (
        <button
          type="button"
          className="primary-button"
          data-testid="version-restore"
          onClick={props.onRestore}
        >
          Restore
        </button>
      )}
      <button
        type="button"
        className="link-button"
        data-testid="version-back"
        onClick={props.onBack}
      >
        Back to the board
      </button>
    </div>
  );
}
