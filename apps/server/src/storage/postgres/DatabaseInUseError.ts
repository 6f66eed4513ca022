/** How the nodes on one database serve it: alone (no `REDIS_URL`), or as a cluster over Redis. */
export type Deployment = 'single' | 'cluster';

/** The database is used by nodes of the other kind, or by another lone node. */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';

  constructor(readonly deployment: Deployment) {
    super(
      deployment === 'single'
        ? "the database of DATABASE_URL is in use by other Drawbridge nodes. Nodes that share a database must all have REDIS_URL too: without it, each keeps its own copy of every board, and their members see each other's edits only at the next GAP_CHECK_MS and never each other's cursors. Give this node the cluster's REDIS_URL, or its own database."
        : "the database of DATABASE_URL is in use by a Drawbridge node running without REDIS_URL. Nodes that share a database must all have REDIS_URL: without it, that node keeps its own copy of every board, and its members see the cluster's edits only at the next GAP_CHECK_MS and never its cursors. Give it REDIS_URL, or stop it first.",
    );
  }
}
