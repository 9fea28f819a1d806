/** Every conformance check, suite by suite, in the order the suite runs them. */
import type { Check } from '../check.js';
import { protocolChecks } from './protocol.js';
import { logChecks } from './log.js';
import { idempotenceChecks } from './idempotence.js';
import { groupChecks } from './groups.js';

export const allChecks: readonly Check[] = [...protocolChecks, ...logChecks, ...idempotenceChecks, ...groupChecks];
