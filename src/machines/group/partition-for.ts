/**
 * @deprecated Moved to src/common/partition-for.ts. This re-export only serves files written before
 * the move and goes once nothing imports it (machines must not: the layer test forbids it).
 */
export * from '../../common/partition-for.js';
