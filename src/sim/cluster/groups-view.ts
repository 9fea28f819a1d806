/** Moved to the node layer (src/cluster/groups-view.ts) so both shells build the group clauses' view. */
export { shardViews } from '../../cluster/groups-view.js';
