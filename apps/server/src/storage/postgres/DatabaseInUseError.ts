/** How the nodes on one database serve it: alone (no `REDIS_URL`), or as a cluster over Redis. */
export type Deployment = 'single' | 'cluster';

/** Who holds the database when a node may not use it: nodes, or `pnpm copy-storage`. */
export type DatabaseHolder = 'nodes' | 'copy';

/** The database is used by nodes of the other kind, by another lone node, or by a copy. */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';

  constructor(
    readonly deployment: Deployment,
    readonly holder: DatabaseHolder = 'nodes',
  ) {
    super(
      holder === 'copy'
        ? 'the database of DATABASE_URL is being copied by pnpm copy-storage: a node started during the copy could write edits that the copy misses. Start the node once the copy has ended.'
        : deployment === 'single'
          ? "the database of DATABASE_URL is in use by other Drawbridge nodes. Nodes that share a database must all have REDIS_URL too: without it, each keeps its own copy of every board, and their members see each other's edits only at the next GAP_CHECK_MS and never each other's cursors. Give this node the cluster's REDIS_URL, or its own database."
          : "the database of DATABASE_URL is in use by a Drawbridge node running without REDIS_URL. Nodes that share a database must all have REDIS_URL: without it, that node keeps its own copy of every board, and its members see the cluster's edits only at the next GAP_CHECK_MS and never its cursors. Give it REDIS_URL, or stop it first.",
    );
  }
}
