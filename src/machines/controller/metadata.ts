/**
 * @deprecated Moved: the image to src/common/metadata-image.ts, the records to
 * src/protocol/metadata/records.ts. This re-export only serves files written before the move and
 * goes once nothing imports it (machines must not: the layer test forbids it).
 */
export * from '../../common/metadata-image.js';
export * from '../../protocol/metadata/records.js';
