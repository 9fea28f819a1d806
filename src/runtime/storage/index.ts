/** A node's storage on disk in Kafka's layout (docs/storage.md). */
export { diskStorage, type DiskStorage, type DiskStorageOptions, type PartitionRecovery, type StorageRecovery } from './disk-storage.js';
export { DiskPartitionLog, type DiskLogConfig } from './disk-partition-log.js';
export { DiskMetadataLog, METADATA_LOG_DIR } from './disk-metadata-log.js';
export { StorageFormatError } from './files.js';
